import { describe, expect, it } from 'vitest';
import type { ProviderTaskSnapshot } from '../../src/contract/provider-task';
import type { ProviderProgressUpdate } from '../../src/contract/scene-workflow';
import { TaskInbox } from '../../src/workflows/task-inbox';

const task = (taskId: string, state: ProviderTaskSnapshot['state'], extra: Partial<ProviderTaskSnapshot> = {}) => ({
  taskId,
  state,
  ...extra,
});

function inbox() {
  const progress: ProviderProgressUpdate[] = [];
  return { box: new TaskInbox((u) => progress.push(u)), progress };
}

describe('TaskInbox: the webhooks a scene keeps', () => {
  it("keeps the first terminal state of the current attempt's task; repeats and later states change nothing", () => {
    const { box, progress } = inbox();
    box.open(1, 'kling');
    box.receive({ attempt: 1, snapshot: task('t1', 'running', { progress: 0.5 }) });
    box.receive({ attempt: 1, snapshot: task('t1', 'succeeded', { videoUrl: 'https://cdn/a.mp4' }) });
    box.receive({ attempt: 1, snapshot: task('t1', 'succeeded', { videoUrl: 'https://cdn/b.mp4' }) });
    box.receive({ attempt: 1, snapshot: task('t1', 'failed') });
    box.receive({ attempt: 1, snapshot: task('t1', 'running', { progress: 0.1 }) });
    expect(box.endOf('t1')).toMatchObject({ state: 'succeeded', videoUrl: 'https://cdn/a.mp4' });
    // A `processing` reordered after `completed` is not shown as progress either.
    expect(progress).toEqual([{ provider: 'kling', taskId: 't1', state: 'running', progress: 0.5 }]);
  });

  it('ignores notifications of an earlier attempt, and forgets what an earlier attempt heard', () => {
    const { box } = inbox();
    box.open(1, 'kling');
    box.receive({ attempt: 1, snapshot: task('t1', 'failed') });
    box.open(2, 'luma');
    box.receive({ attempt: 1, snapshot: task('t1', 'succeeded', { videoUrl: 'https://cdn/late.mp4' }) });
    expect(box.endOf('t1')).toBeUndefined();
    box.receive({ attempt: 2, snapshot: task('t2', 'succeeded', { videoUrl: 'https://cdn/ok.mp4' }) });
    expect(box.endOf('t2')?.videoUrl).toBe('https://cdn/ok.mp4');
  });

  it("keeps another task's end apart from its own, and holds only a few task ids", () => {
    const { box } = inbox();
    box.open(1, 'kling');
    for (let i = 0; i < 100; i++) box.receive({ attempt: 1, snapshot: task(`other-${i}`, 'succeeded') });
    // Heard before the create returned its id (PiAPI notifies on creation): still there once the attempt asks.
    expect(box.endOf('other-0')).toBeDefined();
    expect(box.endOf('other-99')).toBeUndefined();
    expect(box.endOf('t1')).toBeUndefined();
  });

  it('hears nothing before an attempt starts', () => {
    const { box, progress } = inbox();
    box.receive({ attempt: 1, snapshot: task('t1', 'succeeded') });
    box.receive({ attempt: 1, snapshot: task('t1', 'running') });
    box.open(1, 'kling');
    expect(box.endOf('t1')).toBeUndefined();
    expect(progress).toEqual([]);
  });
});
