import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox, type ScenarioInput } from '../dev/sandbox';
import type { SceneVideoResult } from '../src/contract/scene-workflow';
import { awaitResults } from './lib/await-results';
import type { Benchmark } from './lib/benchmark';
import { figure, medianFigure, type Figure } from './lib/figures';
import { events, fetchHistories, type History } from './lib/histories';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { benchScene, providerOrder, sandboxKey, startScenes } from './lib/scenes';
import { summarize } from './lib/stats';
import { spawnWorker, type WorkerProcess } from './lib/worker-process';

const pollIntervalMs = 5_000;
const perCase = 3;
/** The sandbox's PiAPI models report no progress while rendering; Runway reports it, which pollStatus signals on. */
const renderProviders = ['kling', 'runway'] as const;
const fallbackProviders = ['veo', 'hailuo', 'luma'];
/** Each progress signal costs WorkflowExecutionSignaled plus one workflow task (scheduled, started, completed). */
const eventsPerSignal = 4;

interface Measured {
  label: string;
  provider: string;
  renderSec: number;
  events: number;
  attempts: number;
  signals: number;
}

function measure(
  c: Omit<Measured, 'events' | 'attempts' | 'signals'>,
  history: History,
  result?: SceneVideoResult,
): Measured {
  const list = events(history);
  return {
    ...c,
    events: list.length,
    attempts: result?.attempts.length ?? NaN,
    signals: list.filter((e) => e.workflowExecutionSignaledEventAttributes).length,
  };
}

/** One sandbox per render time: render time is per model in a scenario, and every render time runs at once. */
function scenarioFor(renderSec: number, failing: string[] = []): ScenarioInput {
  const fault = { kind: 'task_failed' as const, message: 'bench: forced failure' };
  return {
    default: { queueMs: 0, latencyMs: 0, renderMs: renderSec * 1000 },
    models: Object.fromEntries(failing.map((p) => [sandboxKey(p), { faults: [fault] }])),
  };
}

export const b2: Benchmark = {
  id: 'B2',
  title: 'History size per scene: render time and fallback',
  async run({ quick }) {
    const renders = quick ? [5, 30, 60] : [5, 60, 300];
    const chain = providerOrder(benchScene({ allowedProviders: fallbackProviders }));
    const failing = chain.slice(0, 2);
    const polling = { intervalMs: pollIntervalMs, providerDeadlineMs: 10 * 60_000 };

    return withRig(scenarioFor(renders[0]!, failing), async (rig) => {
      const extra: Sandbox[] = await Promise.all(
        renders.slice(1).map((r) => startSandbox({ scenario: scenarioFor(r) })),
      );
      const sandboxes = [rig.sandbox, ...extra];
      const queues = renders.map((r) => `b2-${r}s-${randomUUID().slice(0, 8)}`);
      let workers: WorkerProcess[] = [];
      try {
        step(`B2: starting ${renders.length} worker processes, one per render time's sandbox…`);
        workers = await Promise.all(
          sandboxes.map((sandbox, i) => spawnWorker({ stack: rig.stack, sandbox, sceneQueue: queues[i] })),
        );
        const planned = [
          ...renders.flatMap((renderSec, i) =>
            renderProviders.flatMap((provider) =>
              Array.from({ length: perCase }, () => ({
                c: { label: `${provider}, ${renderSec} s render`, provider, renderSec },
                queue: queues[i]!,
                input: benchScene({ allowedProviders: [provider], polling }),
              })),
            ),
          ),
          ...Array.from({ length: perCase }, () => ({
            c: { label: 'fallback', provider: chain.join('→'), renderSec: renders[0]! },
            queue: queues[0]!,
            input: benchScene({ allowedProviders: fallbackProviders, polling }),
          })),
        ];
        step(
          `B2: ${planned.length} scenes at once: ${renderProviders.join(' and ')} at ${renders.join(', ')} s renders ` +
            `(${perCase} each), and a fallback ${chain.join(' → ')} whose first two fail; polls every ` +
            `${pollIntervalMs / 1000} s…`,
        );
        const handles = (
          await Promise.all(
            queues.map((queue) =>
              startScenes(
                rig.client,
                queue,
                planned.filter((p) => p.queue === queue).map((p) => p.input),
              ),
            ),
          )
        ).flat();
        const byId = new Map(planned.map((p) => [`bench-${p.input.sceneId}`, p]));
        const outcomes = await awaitResults(rig.client, handles, { label: 'B2' });
        const histories = await fetchHistories(
          rig.client,
          handles.map((h) => h.workflowId),
        );
        const measured = handles.map((h, i) => measure(byId.get(h.workflowId)!.c, histories[i]!, outcomes[i]!.value));
        const failed = outcomes.filter((o) => !o.ok);
        const of = (label: string) => measured.filter((m) => m.label === label);
        const eventsOf = (label: string) => of(label).map((m) => m.events);
        const medianOf = (values: number[]) => summarize(values).median;
        const withoutSignals = (label: string) => of(label).map((m) => m.events - eventsPerSignal * m.signals);
        const [short, mid, long] = renders as [number, number, number];
        const fallback = of('fallback');

        const perProvider: Figure[] = renderProviders.flatMap((p) => {
          const label = (r: number) => `${p}, ${r} s render`;
          return [
            ...renders.map((r) =>
              medianFigure(`events per scene, ${label(r)} (one attempt)`, eventsOf(label(r)), 'events', {
                digits: 1,
                target: { op: '<=', value: 40 },
              }),
            ),
            medianFigure(
              `progress signals per scene, ${label(long)}`,
              of(label(long)).map((m) => m.signals),
              'count',
            ),
            figure(
              `${p}: growth ${mid} s → ${long} s render`,
              medianOf(eventsOf(label(long))) - medianOf(eventsOf(label(mid))),
              'events',
              { digits: 1, target: { op: '<=', value: 0, source: "bench's own reading of flat" } },
            ),
            figure(
              `${p}: growth ${short} s → ${long} s render`,
              medianOf(eventsOf(label(long))) - medianOf(eventsOf(label(short))),
              'events',
              { digits: 1, target: { op: '<=', value: 0, source: "bench's own reading of flat" } },
            ),
            figure(
              `${p}: growth ${short} s → ${long} s render, progress-signal events excluded`,
              medianOf(withoutSignals(label(long))) - medianOf(withoutSignals(label(short))),
              'events',
              { digits: 1 },
            ),
          ];
        });

        return {
          figures: [
            ...perProvider,
            medianFigure(
              'events per provider attempt, three-provider fallback',
              fallback.map((m) => m.events / m.attempts),
              'events',
              { digits: 1, target: { op: '<=', value: 40 } },
            ),
            medianFigure('events per scene, three-provider fallback (total)', eventsOf('fallback'), 'events', {
              digits: 1,
            }),
            figure('failed scenes', failed.length, 'count', { target: { op: '<=', value: 0 } }),
          ],
          details: {
            renders,
            pollIntervalMs,
            fallbackChain: chain,
            perScene: measured,
            failures: failed.map((f) => f.error),
          },
          notes: [
            `Every scene polls every ${pollIntervalMs / 1000} s. A sandbox scenario sets render time per model, so ` +
              `each render time (${renders.join(' / ')} s) has its own sandbox and worker process; all ` +
              `${measured.length} scenes run at once. ${perCase} scenes per case, median and spread over them.`,
            `kling stands for the PiAPI route, whose sandbox models report no progress while rendering; runway ` +
              `reports progress. pollStatus signals the workflow about progress (measured: ` +
              `${renderProviders.map((p) => `${p} ${summarize(of(`${p}, ${long} s render`).map((m) => m.signals)).median}`).join(', ')} ` +
              `signals per scene at ${long} s), and each signal costs ${eventsPerSignal} events ` +
              `(WorkflowExecutionSignaled plus a workflow task's scheduled/started/completed).`,
            `Fallback: allowedProviders ${fallbackProviders.join(', ')} ranks ${chain.join(' → ')}; the first two ` +
              `fail their task (sandbox task_failed) after a ${short} s render, the third succeeds. Events per ` +
              `attempt = history events / attempts, so the scene's fixed events (start, provider setup, upload, ` +
              `completion) are shared among the attempts.`,
          ],
        };
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await Promise.all(extra.map((s) => s.close()));
      }
    });
  },
};
