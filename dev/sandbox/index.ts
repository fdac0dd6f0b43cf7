import { createHash } from 'node:crypto';
import type { ScenarioInput } from './core/scenario';
import { SandboxServer } from './server';
import type { SandboxStats } from './core/stats';

export type { Fault, ScenarioInput } from './core/scenario';
export { scenarioSchema } from './core/scenario';
export type { SandboxStats, SandboxTaskRecord } from './core/stats';
export { inspectMp4, type Mp4Info } from './video/mp4-inspect';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  scenario?: ScenarioInput;
  /** Seeds the fault PRNG: the same seed and request order reproduce the same faults. */
  seed?: number;
}

export interface Sandbox {
  /** E.g. `http://127.0.0.1:41234`; both APIs and the output files are served here. */
  origin: string;
  /** Base for PiAPI clients (paths `/api/v1/task...`). */
  piapiBaseUrl: string;
  /** Base for Runway clients (paths `/v1/...`), what `RUNWAYML_BASE_URL` would be. */
  runwayBaseUrl: string;
  /** The only keys the sandbox accepts; the Runway one has the real `key_` + 128 hex format. */
  apiKeys: { piapi: string; runway: string };
  /** Throws (a ZodError) on an invalid scenario and keeps the current one. */
  setScenario(s: ScenarioInput): void;
  /** Replaces the given top-level scenario fields. */
  patchScenario(s: Partial<ScenarioInput>): void;
  stats(): SandboxStats;
  /** Forgets every task and counter, and replays the seed. */
  reset(): void;
  close(): Promise<void>;
}

/** Fixed, so a sandbox started by `npm run sandbox` and a worker's environment agree across restarts. */
export const sandboxApiKeys = {
  piapi: createHash('sha256').update('scene-video-worker sandbox piapi').digest('hex'),
  runway: `key_${createHash('sha512').update('scene-video-worker sandbox runway').digest('hex')}`,
};

/** Starts local emulators of the PiAPI and Runway HTTP APIs on one port. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const server = new SandboxServer({ scenario: opts.scenario ?? {}, seed: opts.seed ?? 1, apiKeys: sandboxApiKeys });
  await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    origin: server.origin,
    piapiBaseUrl: server.origin,
    runwayBaseUrl: server.origin,
    apiKeys: { ...sandboxApiKeys },
    setScenario: (s) => server.setScenario(s),
    patchScenario: (s) => server.patchScenario(s),
    stats: () => server.stats(),
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
