import { afterEach, describe, expect, it } from 'vitest';
import { TaskStore, type TaskSpec } from '../../dev/sandbox/core/task-store';

const spec = (model: string): TaskSpec<null> => ({
  api: 'piapi',
  model,
  prompt: 'p',
  aspect: '16:9',
  durationSec: 5,
  cost: 0.1,
  queueMs: 0,
  renderMs: 60_000,
  outcome: { kind: 'succeed' },
  details: null,
});

describe('TaskStore concurrency slots', () => {
  let store: TaskStore<null>;
  afterEach(() => store.clear());

  it('admits throttled tasks in creation order as slots free, skipping one deleted while it waited', () => {
    const limits: Record<string, number> = { 'piapi:kling': 1 };
    store = new TaskStore<null>({ concurrencyOf: (key) => limits[key], onChange: () => undefined });
    const [first, second, third] = [
      store.create(spec('kling')),
      store.create(spec('kling')),
      store.create(spec('kling')),
    ];
    const other = store.create(spec('luma'));
    expect([first, second, third, other].map((t) => t!.phase)).toEqual(['queued', 'throttled', 'throttled', 'queued']);

    store.delete(second!);
    expect(second!.phase).toBe('cancelled');
    expect(third!.phase).toBe('throttled');

    store.delete(first!);
    expect(third!.phase).toBe('queued');
    expect(store.peakInFlight()).toEqual({ 'piapi:kling': 3, 'piapi:luma': 1 });
  });

  it('lets waiting tasks take the slots a raised limit frees', () => {
    const limits: Record<string, number> = { 'piapi:kling': 1 };
    store = new TaskStore<null>({ concurrencyOf: (key) => limits[key], onChange: () => undefined });
    const tasks = [store.create(spec('kling')), store.create(spec('kling')), store.create(spec('kling'))];
    limits['piapi:kling'] = 2;
    store.rebalance();
    expect(tasks.map((t) => t.phase)).toEqual(['queued', 'queued', 'throttled']);
  });
});
