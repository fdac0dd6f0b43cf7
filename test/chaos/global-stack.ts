import { stackInfo } from '../helpers/stack-info';
import type { ChaosStack } from './lib/chaos-stack';

/** The vitest global stack, as the chaos scenarios take it. */
export function globalChaosStack(): ChaosStack {
  const { temporalAddress, namespace, s3 } = stackInfo();
  return { temporalAddress, namespace, s3 };
}
