import type { WorkerStack } from '../../../dev/harness/worker-env';

/** What a chaos scenario runs on: the global test stack under vitest, or the runner's own restartable stack. */
export type ChaosStack = WorkerStack;
