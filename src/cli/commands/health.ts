import { get } from 'node:http';
import { healthPaths, isUsable, workerDependencies } from '../../worker/health-server';
import type { Command } from '../command';
import { CliError, exitCodes } from '../errors';

// Runs every 30 s as the image's HEALTHCHECK, so it loads neither the Temporal SDK nor the AWS SDK: node:http, and the
// health server's path names.

const defaultTimeoutSec = 3;
/** A readiness body is a few dozen bytes; a longer one is cut here. */
const maxBodyChars = 4096;

/**
 * The port `scene-video worker` serves its health endpoint on, read as the worker reads WORKER_HEALTH_PORT
 * (`workerEnvSchema`): blank is unset, anything else an integer 1–65535.
 */
export function healthPortFrom(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new CliError(`WORKER_HEALTH_PORT must be a port number (1–65535), got "${text}".`, exitCodes.failed);
  }
  return port;
}

/**
 * The worker's `/readyz` as seen from its own host or container: the address WORKER_HEALTH_HOST names, or loopback
 * when it is unset or a wildcard (0.0.0.0, ::), as in the image.
 */
export function readinessUrl(env: NodeJS.ProcessEnv): string {
  const port = healthPortFrom(env.WORKER_HEALTH_PORT);
  if (port === undefined) {
    throw new CliError(
      'WORKER_HEALTH_PORT is not set, so no worker health endpoint is known.',
      exitCodes.failed,
      'Set it to the port the worker serves (the image sets 8080), or pass --url.',
    );
  }
  const host = env.WORKER_HEALTH_HOST?.trim();
  const target = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${target.includes(':') ? `[${target}]` : target}:${port}${healthPaths.ready}`;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function probe(url: URL, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers: { accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < maxBodyChars) text += chunk;
      });
      res.on('end', () => {
        clearTimeout(timer);
        let body: Record<string, unknown> = {};
        try {
          const parsed: unknown = JSON.parse(text);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        } catch {
          // Not the worker's JSON: the status code alone decides.
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
  });
}

export const healthCommand: Command = {
  name: 'health',
  summary:
    "Check that a worker is ready (the image's HEALTHCHECK): exit 0 while it polls and reaches Temporal and S3, 1 otherwise",
  usage: {
    positionals: [],
    options: {
      url: {
        type: 'string',
        value: '<url>',
        description: `The readiness URL (default: http://127.0.0.1:$WORKER_HEALTH_PORT${healthPaths.ready})`,
      },
      timeout: {
        type: 'string',
        value: '<seconds>',
        description: `Give up after this long (default ${defaultTimeoutSec})`,
      },
    },
    details: [
      `Asks the health endpoint of a \`scene-video worker\` started with WORKER_HEALTH_PORT: ${healthPaths.ready} answers`,
      '200 only while the worker polls its task queue and its last background checks found the Temporal server',
      'answering and the S3 bucket reachable; 503 while it starts, drains after SIGTERM, has stopped, or either check',
      'fails (the message names which, e.g. "temporal unreachable").',
      `(${healthPaths.live} answers 200 while the process runs.) WORKER_HEALTH_HOST, when it names one address, is asked`,
      'instead of 127.0.0.1. Loads no Temporal or AWS code, so it is cheap to run every few seconds.',
      'Exit codes: 0 ready; 1 not ready, unreachable, or no port known. (Docker reserves 2 in a HEALTHCHECK; only a',
      'mistyped flag gives it, as for every command.)',
    ],
    examples: ['scene-video health', 'scene-video health --url http://10.0.0.5:8080/readyz --json'],
  },
  async run(args, { out, env }) {
    const url = args.string('url') ?? readinessUrl(env);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw args.usage(`--url must be an http:// URL, got "${url}"`);
    }
    if (target.protocol !== 'http:') throw args.usage(`--url must be an http:// URL, got "${url}"`);
    const timeoutSec = args.number('timeout', 'a number of seconds') ?? defaultTimeoutSec;
    if (timeoutSec <= 0) throw args.usage(`--timeout must be more than 0 seconds, got ${timeoutSec}`);

    let answer: Answer;
    try {
      answer = await probe(target, timeoutSec * 1000);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CliError(
        `not ready: cannot reach ${url} (${e.code ?? e.message}).`,
        exitCodes.failed,
        e.code === 'ECONNREFUSED' ? 'Is the worker running, with WORKER_HEALTH_PORT set to this port?' : undefined,
      );
    }
    const state = typeof answer.body.state === 'string' ? answer.body.state : undefined;
    if (answer.status !== 200) {
      const unusable = workerDependencies.flatMap((name) => {
        const found = answer.body[name];
        return typeof found === 'string' && !isUsable(found) ? [`${name} ${found}`] : [];
      });
      const why = [...(state ? [`worker ${state}`] : []), ...unusable].join(', ');
      throw new CliError(`not ready: ${url} answered ${answer.status}${why ? ` (${why})` : ''}.`, exitCodes.failed);
    }
    out.emit({ ready: true, url, httpStatus: answer.status, ...answer.body }, () =>
      [`ready: ${url} answered ${answer.status}`, state ? ` (worker ${state})` : ''].join(''),
    );
    return exitCodes.ok;
  },
};
