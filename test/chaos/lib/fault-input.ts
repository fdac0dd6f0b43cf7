import type { ScenarioInput } from '../../../dev/sandbox';

/** A fault as a scenario accepts it (defaults such as `rate: 1` may be left out). */
export type FaultInput = NonNullable<NonNullable<ScenarioInput['default']>['faults']>[number];
