/* eslint-disable @typescript-eslint/no-require-imports -- see below: loading on demand needs require under tsx/cjs */
import type { Command } from '../command';

export interface CommandEntry {
  /** One word, or `group sub` (e.g. `history export`). */
  name: string;
  summary: string;
  load(): Command;
}

/**
 * Every command, in the order `scene-video --help` lists them. A command's module loads only when that command runs,
 * so `rank`, `schema` or `--help` never pay for the Temporal client, and only `worker` loads the native worker runtime
 * and the AWS SDK. (tsx/cjs leaves `import()` to Node's ESM loader, which cannot load .ts files; hence `require`.)
 */
export const commandEntries: CommandEntry[] = [
  {
    name: 'generate',
    summary: 'Generate one scene: start its workflow (or attach to the existing one) and optionally wait for the clip',
    load: () => (require('./generate') as typeof import('./generate')).generateCommand,
  },
  {
    name: 'project',
    summary: 'Start every scene of a video from a project file (or attach to its workflow), optionally wait or watch',
    load: () => (require('./project') as typeof import('./project')).projectCommand,
  },
  {
    name: 'status',
    summary: 'Show a scene or project workflow: phase, ranking, attempts, cost; --watch follows it live',
    load: () => (require('./status') as typeof import('./status')).statusCommand,
  },
  {
    name: 'cancel',
    summary: 'Cancel a scene or project workflow; running provider tasks are cancelled too',
    load: () => (require('./cancel') as typeof import('./cancel')).cancelCommand,
  },
  {
    name: 'cost',
    summary: "Spend by provider and by scene type, from the workflows' search attributes (visibility API)",
    load: () => (require('./cost') as typeof import('./cost')).costCommand,
  },
  {
    name: 'history export',
    summary: "Write a workflow's event history to a JSON file that Worker.runReplayHistory can replay",
    load: () => (require('./history-export') as typeof import('./history-export')).historyExportCommand,
  },
  {
    name: 'rank',
    summary: 'Show how the worker would rank providers for a scene, with scores and reasons (no server needed)',
    load: () => (require('./rank') as typeof import('./rank')).rankCommand,
  },
  {
    name: 'providers',
    summary: 'List the provider catalogue: prices, limits, billing, and whether this environment configures each',
    load: () => (require('./providers') as typeof import('./providers')).providersCommand,
  },
  {
    name: 'schema',
    summary: 'Print the JSON Schema of project files (the format `scene-video project` reads)',
    load: () => (require('./schema') as typeof import('./schema')).schemaCommand,
  },
  {
    name: 'worker',
    summary: 'Run a worker: executes scene and project workflows and their provider/S3 activities',
    load: () => (require('./worker') as typeof import('./worker')).workerCommand,
  },
];
