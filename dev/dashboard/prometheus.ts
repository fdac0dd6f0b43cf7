import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { freePort, waitUntil } from '../stack/free-port';
import { startManaged } from '../stack/managed-process';

/** One series of a query's answer: its labels and its [unix seconds, value] samples (one for an instant query). */
export interface PromSeries {
  labels: Record<string, string>;
  samples: [number, number][];
}

export interface PrometheusServer {
  url: string;
  /** `/api/v1/query`: the series' values at `at`. */
  query(expr: string, at: Date): Promise<PromSeries[]>;
  /** `/api/v1/query_range`: the series' values from `start` to `end`, every `stepSec`. */
  queryRange(expr: string, start: Date, end: Date, stepSec: number): Promise<PromSeries[]>;
  /** Resolves once every target has been scraped successfully (`up` is 1). */
  scraping(deadlineMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Prometheus writes `NaN` and `+Inf` as strings like any other value. */
const sampleSchema = z.tuple([z.number(), z.string()]).transform(([t, v]): [number, number] => [t, Number(v)]);
const answerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema })),
      }),
      z.object({
        resultType: z.literal('matrix'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleSchema) })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

/**
 * A real Prometheus server on a free loopback port, scraping `targets` (host:port, `/metrics`) every
 * `scrapeIntervalSec`, with its own data folder under `dataDir`; it never outlives this process.
 */
export async function startPrometheus(opts: {
  binary: string;
  job: string;
  targets: string[];
  scrapeIntervalSec: number;
  dataDir: string;
}): Promise<PrometheusServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(opts.dataDir, { recursive: true });
  const configFile = join(opts.dataDir, 'prometheus.yml');
  const interval = `${opts.scrapeIntervalSec}s`;
  // JSON is YAML: no YAML writer needed.
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [{ job_name: opts.job, scrape_timeout: interval, static_configs: [{ targets: opts.targets }] }],
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const server = startManaged({
    name: 'prometheus',
    command: opts.binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(opts.dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    logFile: join(opts.dataDir, 'prometheus.log'),
  });
  const ready = async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
  try {
    await waitUntil(`Prometheus (log: ${join(opts.dataDir, 'prometheus.log')})`, ready, 60_000, server.exited);
  } catch (err) {
    await server.stop();
    throw err;
  }

  const ask = async (path: string, params: Record<string, string>): Promise<PromSeries[]> => {
    const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
    const body = answerSchema.parse(await res.json());
    if (body.status === 'error') throw new Error(`${body.errorType}: ${body.error}`);
    const { data } = body;
    if (data.resultType === 'scalar') return [{ labels: {}, samples: [data.result] }];
    if (data.resultType === 'vector') return data.result.map((r) => ({ labels: r.metric, samples: [r.value] }));
    return data.result.map((r) => ({ labels: r.metric, samples: r.values }));
  };
  const seconds = (d: Date) => String(d.getTime() / 1000);

  return {
    url,
    query: (expr, at) => ask('/api/v1/query', { query: expr, time: seconds(at) }),
    queryRange: (expr, start, end, stepSec) =>
      ask('/api/v1/query_range', { query: expr, start: seconds(start), end: seconds(end), step: String(stepSec) }),
    async scraping(deadlineMs) {
      const up = `up{job="${opts.job}"} == 1`;
      await waitUntil(
        `a successful scrape of ${opts.targets.join(', ')}`,
        async () => (await ask('/api/v1/query', { query: up }).catch(() => [])).length === opts.targets.length,
        deadlineMs,
        server.exited,
      );
    },
    stop: () => server.stop(),
  };
}
