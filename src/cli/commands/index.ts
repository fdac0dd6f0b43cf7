/* eslint-disable @typescript-eslint/no-require-imports -- see below: loading on demand needs require under tsx/cjs */
import type { Command } from '../command';

/**
 * Every command by name, in the order `scene-video --help` lists them; each command module owns its summary, usage
 * and run. A module loads only when its command runs (or for the list in `scene-video --help`), so `rank` or `schema`
 * never pay for the Temporal client. (tsx/cjs leaves `import()` to Node's ESM loader, which cannot load .ts files;
 * hence `require`.)
 */
export const commands: Record<string, () => Command> = {
  generate: () => (require('./generate') as typeof import('./generate')).generateCommand,
  project: () => (require('./project') as typeof import('./project')).projectCommand,
  status: () => (require('./status') as typeof import('./status')).statusCommand,
  cancel: () => (require('./cancel') as typeof import('./cancel')).cancelCommand,
  url: () => (require('./url') as typeof import('./url')).urlCommand,
  cost: () => (require('./cost') as typeof import('./cost')).costCommand,
  report: () => (require('./report') as typeof import('./report')).reportCommand,
  'history export': () => (require('./history-export') as typeof import('./history-export')).historyExportCommand,
  rank: () => (require('./rank') as typeof import('./rank')).rankCommand,
  providers: () => (require('./providers') as typeof import('./providers')).providersCommand,
  gates: () => (require('./gates') as typeof import('./gates')).gatesCommand,
  schema: () => (require('./schema') as typeof import('./schema')).schemaCommand,
  setup: () => (require('./setup') as typeof import('./setup')).setupCommand,
  worker: () => (require('./worker') as typeof import('./worker')).workerCommand,
  health: () => (require('./health') as typeof import('./health')).healthCommand,
  webhooks: () => (require('./webhooks') as typeof import('./webhooks')).webhooksCommand,
};
