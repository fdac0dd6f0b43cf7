import { parseArgs } from 'node:util';
import { b1 } from './b1-throughput';
import { b2 } from './b2-history-size';
import { b3 } from './b3-upload';
import { b4 } from './b4-fallback-latency';
import { b5 } from './b5-detection-latency';
import { b6 } from './b6-capacity';
import { b7 } from './b7-startup';
import { b8 } from './b8-limits';
import { b9 } from './b9-polling-shapes';
import type { Benchmark } from './lib/benchmark';
import type { BenchResult } from './lib/figures';
import { describeMachine, machineLine } from './lib/machine';
import { elapsedSeconds, step } from './lib/progress';
import { resultsTable, updateReadmeTable, writeResults } from './lib/report';

const benchmarks: Benchmark[] = [b1, b2, b3, b4, b5, b6, b7, b8, b9];

/**
 * `npm run bench [-- --only B3[,B5]] [--quick] [--webhooks-scale] [--b6-webhooks-only]`: runs the benchmarks and writes
 * bench/results/<date>.{json,md}.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'webhooks-scale': { type: 'boolean', default: false },
      'b6-webhooks-only': { type: 'boolean', default: false },
    },
  });
  if (values.quick && values['webhooks-scale'])
    throw new Error('--webhooks-scale is the full-size B6 webhook phase: drop --quick, or drop --webhooks-scale');
  const wanted = values.only?.split(',').map((s) => s.trim().toUpperCase());
  const unknown = wanted?.filter((id) => !benchmarks.some((b) => b.id === id)) ?? [];
  if (unknown.length)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.id).join(', ')}`);
  const selected = benchmarks.filter((b) => !wanted || wanted.includes(b.id));
  const machine = describeMachine();
  const startedAt = new Date();
  step(`machine: ${machineLine(machine)}`);
  step(`running ${selected.map((b) => b.id).join(', ')}${values.quick ? ' (quick)' : ''}`);

  const results: BenchResult[] = [];
  let failures = 0;
  for (const bench of selected) {
    const began = new Date();
    step(`${bench.id} ${bench.title}`);
    // One benchmark failing must not cost the figures of the others in a half-hour run.
    const outcome = await bench
      .run({ quick: values.quick, webhooksScale: values['webhooks-scale'], b6WebhooksOnly: values['b6-webhooks-only'] })
      .catch((err: unknown) => {
        failures++;
        step(`${bench.id} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { figures: [], details: {}, notes: [`The benchmark failed: ${String(err)}`] };
      });
    const wallSeconds = (Date.now() - began.getTime()) / 1000;
    results.push({
      id: bench.id,
      title: bench.title,
      quick: values.quick,
      startedAt: began.toISOString(),
      wallSeconds,
      ...outcome,
    });
    step(`${bench.id} done in ${wallSeconds.toFixed(0)} s`);
  }

  const date = startedAt.toISOString().slice(0, 10);
  const file = writeResults(
    date,
    machine,
    { startedAt: startedAt.toISOString(), args, wallSeconds: elapsedSeconds(), benchmarks: selected.map((b) => b.id) },
    results,
  );
  // The README shows a complete table of full-size figures: every benchmark, none from a quick run.
  if (
    !values.quick &&
    benchmarks.every((b) => file.benchmarks.some((r) => r.id === b.id && !r.quick && r.figures.length > 0))
  )
    await updateReadmeTable(file);
  process.stdout.write(`\n${resultsTable({ ...file, benchmarks: results })}\n\n`);
  step(`wrote bench/results/${date}.json and .md; total ${elapsedSeconds().toFixed(0)} s`);
  if (failures > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
