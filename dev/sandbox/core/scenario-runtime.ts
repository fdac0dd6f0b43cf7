import { mulberry32 } from './rng';
import {
  type Behaviour,
  type Fault,
  type FaultKind,
  type Scenario,
  type ScenarioInput,
  resolveBehaviour,
  scenarioSchema,
} from './scenario';

/** How often a fault or a webhook knob hits: `rate` drawn from a PRNG, at most `times`. */
interface Chance {
  rate: number;
  times?: number | undefined;
}

/** Any constant: it only has to give the webhook stream other numbers than the request stream. */
const WEBHOOK_STREAM = 0x9e3779b9;

/** The live scenario plus the state its faults consume (PRNG positions, `times` counters). */
export class ScenarioRuntime {
  private input: ScenarioInput = {};
  private parsed: Scenario = scenarioSchema.parse({});
  private rng: () => number;
  /**
   * Webhooks go out on timers, interleaved with requests as timing has it: drawing them from the request stream would
   * make request faults depend on timing. Their own stream keeps both reproducible.
   */
  private webhookRng: () => number;
  private readonly fired = new Map<Chance, number>();

  constructor(
    input: ScenarioInput,
    private readonly seed: number,
  ) {
    this.rng = mulberry32(seed);
    this.webhookRng = mulberry32(seed ^ WEBHOOK_STREAM);
    this.set(input);
  }

  get scenario(): Scenario {
    return this.parsed;
  }

  /** Throws a ZodError for an invalid scenario and keeps the previous one. */
  set(input: ScenarioInput): void {
    this.parsed = scenarioSchema.parse(input);
    this.input = input;
    this.restart();
  }

  patch(input: Partial<ScenarioInput>): void {
    this.set({ ...this.input, ...input });
  }

  /** Replays from the seed: same scenario, same requests, same fault decisions. */
  restart(): void {
    this.rng = mulberry32(this.seed);
    this.webhookRng = mulberry32(this.seed ^ WEBHOOK_STREAM);
    this.fired.clear();
  }

  behaviour(key: string): Behaviour {
    return resolveBehaviour(this.parsed, key);
  }

  /** The first fault of one of `kinds` that hits this task/request, counting it against the fault's `times`. */
  draw<K extends FaultKind>(faults: readonly Fault[], kinds: readonly K[]): Extract<Fault, { kind: K }> | undefined {
    return faults.find(
      (fault): fault is Extract<Fault, { kind: K }> => isKind(fault, kinds) && this.hits(fault, this.rng),
    );
  }

  /** Whether a webhook knob (`scenario.webhook.*`) hits this notification, counting it against its `times`. */
  webhookHits(knob: Chance | undefined): boolean {
    return knob !== undefined && this.hits(knob, this.webhookRng);
  }

  /** A number in [0, 1) from the webhook stream, for delays and tampering. */
  webhookRandom(): number {
    return this.webhookRng();
  }

  private hits(chance: Chance, rng: () => number): boolean {
    const fired = this.fired.get(chance) ?? 0;
    if (chance.times !== undefined && fired >= chance.times) return false;
    // Certain faults draw nothing, so adding one does not shift the random sequence of the others.
    if (chance.rate < 1 && rng() >= chance.rate) return false;
    this.fired.set(chance, fired + 1);
    return true;
  }
}

function isKind<K extends FaultKind>(fault: Fault, kinds: readonly K[]): fault is Extract<Fault, { kind: K }> {
  return (kinds as readonly FaultKind[]).includes(fault.kind);
}
