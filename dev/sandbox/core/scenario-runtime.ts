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

/** The live scenario plus the state its faults consume (PRNG position, `times` counters). */
export class ScenarioRuntime {
  private input: ScenarioInput = {};
  private parsed: Scenario = scenarioSchema.parse({});
  private rng: () => number;
  private readonly fired = new Map<Fault, number>();

  constructor(
    input: ScenarioInput,
    private readonly seed: number,
  ) {
    this.rng = mulberry32(seed);
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
    this.fired.clear();
  }

  behaviour(key: string): Behaviour {
    return resolveBehaviour(this.parsed, key);
  }

  /** The first fault of one of `kinds` that hits this task/request, counting it against the fault's `times`. */
  draw<K extends FaultKind>(faults: readonly Fault[], kinds: readonly K[]): Extract<Fault, { kind: K }> | undefined {
    for (const fault of faults) {
      if (!isKind(fault, kinds)) continue;
      const fired = this.fired.get(fault) ?? 0;
      if (fault.times !== undefined && fired >= fault.times) continue;
      // Certain faults draw nothing, so adding one does not shift the random sequence of the others.
      if (fault.rate < 1 && this.rng() >= fault.rate) continue;
      this.fired.set(fault, fired + 1);
      return fault;
    }
    return undefined;
  }
}

function isKind<K extends FaultKind>(fault: Fault, kinds: readonly K[]): fault is Extract<Fault, { kind: K }> {
  return (kinds as readonly FaultKind[]).includes(fault.kind);
}
