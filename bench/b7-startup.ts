import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { workerEnv, workerStackOf } from '../dev/harness/worker-env';
import { sceneWorker } from '../dev/harness/worker-process';
import type { Benchmark } from './lib/benchmark';
import { figure, medianFigure, type Figure } from './lib/figures';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { summarize } from './lib/stats';
import { buildDist, timedStart, type StartSample } from './lib/startup';

const root = join(__dirname, '..');

type VariantKey = 'prebuilt' | 'bundling' | 'source';

interface Variant {
  key: VariantKey;
  /** Figure names start with it. */
  label: string;
  /** What runs, as a person would type it. */
  command: string;
  /** Arguments of `node`. */
  args: string[];
}

const variants: Variant[] = [
  {
    key: 'prebuilt',
    label: '(a) prebuilt bundle',
    command: 'node bin/scene-video.js worker',
    args: [join(root, 'bin', 'scene-video.js'), 'worker'],
  },
  {
    key: 'bundling',
    label: '(b) compiled, bundling at start',
    command: 'node bench/lib/bundling-worker.js worker',
    args: [join(__dirname, 'lib', 'bundling-worker.js'), 'worker'],
  },
  {
    key: 'source',
    label: '(c) from source (tsx), bundling at start',
    command: 'node --require tsx/cjs src/worker/main.ts',
    args: ['--require', 'tsx/cjs', sceneWorker.path],
  },
];

interface Start extends Omit<StartSample, 'output'> {
  variant: VariantKey;
  round: number | 'warm-up';
  /** Variant (b) only: whether the bundle made at start was byte-identical to dist/workflow-bundle.js. */
  sameBundle?: boolean;
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));

export const b7: Benchmark = {
  id: 'B7',
  title: 'Worker start-up time: prebuilt workflow bundle vs bundling at start',
  async run({ quick }) {
    const n = quick ? 3 : 7;
    const loadBefore = loadavg();
    step('B7: npm run build (once, for dist/ and dist/workflow-bundle.js)…');
    const build = await buildDist();
    step(`B7: built in ${build.seconds.toFixed(1)} s (bundling ${fmt(build.bundlingSeconds, 1)} s)`);

    return withRig({}, async (rig) => {
      const starts: Start[] = [];
      const startOnce = async (variant: Variant, round: Start['round']): Promise<Start> => {
        const taskQueue = `b7-${variant.key}-${randomUUID().slice(0, 8)}`;
        const { output, ...sample } = await timedStart({
          client: rig.client,
          namespace: rig.stack.temporal.namespace,
          taskQueue,
          args: variant.args,
          env: workerEnv(workerStackOf(rig.stack), rig.sandbox, { taskQueue }),
          readyLine: sceneWorker.readyLine,
        });
        if (sample.exitCode !== 0)
          throw new Error(
            `B7: ${variant.command} exited with ${sample.exitCode ?? sample.exitSignal} after SIGTERM:\n${output.slice(-2000)}`,
          );
        const start: Start = { variant: variant.key, round, ...sample };
        if (variant.key === 'bundling') {
          const m = /bundle (identical to|different from) dist\/workflow-bundle\.js/.exec(output);
          if (!m) throw new Error(`B7: the bundling worker did not report on its bundle:\n${output.slice(-2000)}`);
          start.sameBundle = m[1] === 'identical to';
        }
        step(
          `  B7 ${round === 'warm-up' ? 'warm-up' : `round ${round + 1}/${n}`} ${variant.label}: polling after ` +
            `${(sample.toPollingMs / 1000).toFixed(2)} s (ready line ${fmt(seconds(sample.toReadyLineMs), 2)} s), ` +
            `CPU ${fmt(seconds(sample.cpuMsAtPolling), 2)} s, peak RSS ${fmt(sample.peakRssMiBAtPolling, 0)} MiB; ` +
            `stopped in ${(sample.stopMs / 1000).toFixed(2)} s`,
        );
        return start;
      };

      // One unmeasured start each: tsx's transform cache, the page cache of dist/ and node_modules, the dev server's
      // first namespace and task-queue work are then warm for every variant alike.
      step('B7: one warm-up start per variant (not counted)…');
      const warmUps: Start[] = [];
      for (const v of variants) warmUps.push(await startOnce(v, 'warm-up'));
      for (let round = 0; round < n; round++) {
        // Rotated each round, so each variant goes first, second and third about equally often.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
        for (const v of order) starts.push(await startOnce(v, round));
      }
      const loadAfter = loadavg();

      const of = (key: VariantKey) => starts.filter((s) => s.variant === key);
      const pick = (key: VariantKey, f: (s: Start) => number | null) =>
        of(key)
          .map(f)
          .filter((v): v is number => v !== null);
      const figures: Figure[] = [];
      for (const v of variants) {
        figures.push(
          medianFigure(
            `${v.label}: spawn → dev server sees a poller`,
            pick(v.key, (s) => seconds(s.toPollingMs)),
            's',
          ),
          medianFigure(
            `${v.label}: spawn → ready line`,
            pick(v.key, (s) => seconds(s.toReadyLineMs)),
            's',
          ),
          medianFigure(
            `${v.label}: CPU time until polling`,
            pick(v.key, (s) => seconds(s.cpuMsAtPolling)),
            's',
          ),
          medianFigure(
            `${v.label}: peak RSS until polling`,
            pick(v.key, (s) => s.peakRssMiBAtPolling),
            'MiB',
            { digits: 0 },
          ),
        );
      }
      // Each ratio from the two starts of the same round (minutes apart at most), then the median over rounds.
      const ratios = (key: VariantKey) =>
        Array.from({ length: n }, (_, round) => {
          const a = starts.find((s) => s.variant === 'prebuilt' && s.round === round)!;
          const x = starts.find((s) => s.variant === key && s.round === round)!;
          return x.toPollingMs / a.toPollingMs;
        });
      const medianOf = (key: VariantKey) => summarize(pick(key, (s) => s.toPollingMs)).median;
      const ratioOfMedians = (key: VariantKey) => medianOf(key) / medianOf('prebuilt');
      figures.push(
        medianFigure('(b) / (a), spawn → polling, per round', ratios('bundling'), 'ratio'),
        medianFigure('(c) / (a), spawn → polling, per round', ratios('source'), 'ratio'),
        medianFigure(
          '(b) − (a), spawn → polling: what bundling at start adds',
          Array.from({ length: n }, (_, round) => {
            const a = starts.find((s) => s.variant === 'prebuilt' && s.round === round)!;
            const b = starts.find((s) => s.variant === 'bundling' && s.round === round)!;
            return (b.toPollingMs - a.toPollingMs) / 1000;
          }),
          's',
        ),
        figure('npm run build, once (tsc + webpack + ESM entry)', build.seconds, 's', { digits: 1 }),
        figure('of which bundling the workflows (the build’s own timing)', build.bundlingSeconds, 's', { digits: 1 }),
        figure('workflow bundle size', build.bundleMiB, 'MiB'),
      );

      const sameBundle = of('bundling').every((s) => s.sameBundle);
      const serverLead = starts
        .filter((s) => s.toServerLastAccessMs !== null)
        .map((s) => s.toPollingMs - s.toServerLastAccessMs!);
      return {
        figures,
        details: {
          n,
          variants: variants.map(({ key, label, command }) => ({ key, label, command })),
          build,
          ratioOfMedians: { bundling: ratioOfMedians('bundling'), source: ratioOfMedians('source') },
          loadAverage: { before: loadBefore, after: loadAfter },
          warmUps,
          starts,
        },
        notes: [
          `Start-up is timed from spawn() in the bench process to the first DescribeTaskQueue answer (workflow task ` +
            `queue, asked every 25 ms) that lists a poller whose identity is the worker's pid (\`<pid>@host\`, the ` +
            `SDK's default identity); each start uses a fresh task queue, so no earlier worker's poller can be ` +
            `mistaken for it. The dev server's own lastAccessTime of that poller came a median ` +
            `${serverLead.length ? summarize(serverLead).median.toFixed(0) : 'n/a'} ms before the answer that showed ` +
            `it (the resolution of this figure; details: starts[].toServerLastAccessMs). The ready line (\`${sceneWorker.readyLine.trim()}…\`, printed after Worker.create and ` +
            `before Worker.run) is a second figure, as the parent process receives it through the pipe. CPU time is ` +
            `user + system of all the worker's threads from /proc/<pid>/stat when polling was seen (child processes ` +
            `not included); peak RSS is VmHWM at that moment. After each start the worker gets SIGTERM and the bench ` +
            `waits for it to exit 0 before the next start.`,
          `Variants: (a) ${variants[0]!.command}, the compiled CLI loading dist/workflow-bundle.js by path; ` +
            `(b) ${variants[1]!.command}: the same compiled CLI, runWorker and storage check, with Worker.create ` +
            `wrapped to bundle src/workflows/index.ts with webpack (the source and options \`npm run build\` uses) in ` +
            `place of the prebuilt file, so only the bundling step differs; the bundle made at start was ` +
            `${sameBundle ? 'byte-identical to dist/workflow-bundle.js in every start' : '**not** identical to dist/workflow-bundle.js in every start (details: starts[].sameBundle)'}; (c) ${variants[2]!.command}, the development path (\`npm run worker\` runs the same file through ` +
            `the tsx command; the bin before dist/ ran src/cli/main.ts under tsx/cjs), which also compiles the ` +
            `TypeScript of the worker itself through tsx (its transform cache warm after the warm-up start). ` +
            `All three run the whole production start: env, catalogue, S3 HeadBucket check against the stack's ` +
            `versitygw, NativeConnection, Worker.create, then polling.`,
          `${n} measured starts per variant after one unmeasured warm-up start each, in rounds that rotate the ` +
            `order of the variants; the ratios are taken within each round (ratio of the medians: ` +
            `(b)/(a) ${ratioOfMedians('bundling').toFixed(2)}, (c)/(a) ${ratioOfMedians('source').toFixed(2)}). ` +
            `Load average (1, 5, 15 min) before the build ${loadBefore.map((l) => l.toFixed(2)).join(', ')}, after ` +
            `the last start ${loadAfter.map((l) => l.toFixed(2)).join(', ')}: other processes share the 2 cores, ` +
            `and webpack's work is CPU-bound, so (b) and (c) move with the machine's load more than (a) does.`,
        ],
      };
    });
  },
};
