import { inspect, types } from 'node:util';
import {
  DefaultLogger,
  type ActivityInterceptorsFactory,
  type LogEntry,
  type Logger,
  type LogLevel,
  type LogMetadata,
} from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';
import { secretMasker } from '../domain/secret-mask';

/**
 * What a JSON line leads with, when the line knows it. `attempt` is the scene's provider attempt, numbered from 1 as
 * the scene's attempts are; the SDK's own activity retry count is `activityAttempt`.
 */
const contextFields = [
  'workflowId',
  'runId',
  'workflowType',
  'sceneId',
  'projectId',
  'provider',
  'attempt',
  'activityType',
  'activityAttempt',
  'taskQueue',
  'namespace',
] as const;
const lineFields = new Set(['time', 'level', 'message']);

/** Bounds on what one line carries of a value: a reply body in an error, a deep or huge object, a long stack. */
const limits = { stringChars: 8_192, depth: 6, arrayItems: 100, causes: 4, stackFrames: 10 };
/** Primitive fields of errors worth a line (the SDK's failures, ProviderError, Node's system errors); nothing else. */
const errorFields = [
  'type',
  'code',
  'kind',
  'httpStatus',
  'nonRetryable',
  'retryState',
  'activityType',
  'activityId',
  'workflowType',
  'timeoutType',
];

export interface WorkerLoggerOptions {
  format: WorkerEnv['LOG_FORMAT'];
  level: LogLevel;
  /** Values replaced by `[redacted]` wherever they appear: keys, messages, meta, errors. */
  secrets: readonly (string | undefined)[];
  /** Receives each line with its newline; stdout for `json`, stderr for `text` unless given. */
  write?: (line: string) => void;
}

/**
 * The worker's SDK logger, which the workflows' `log` and the activities' context logger reach too. `text` keeps the
 * SDK's DefaultLogger look, on stderr; `json` writes one object per line on stdout, every level: a single stream keeps
 * the lines whole and in order for a collector.
 */
export function createWorkerLogger(opts: WorkerLoggerOptions): Logger {
  const redact = redactor(opts.secrets);
  if (opts.format === 'json') {
    const write = opts.write ?? ((line: string) => process.stdout.write(line));
    return new DefaultLogger(opts.level, (entry) => write(`${JSON.stringify(jsonRecord(entry, redact))}\n`));
  }
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const colors = opts.write === undefined && process.stderr.hasColors?.() === true;
  return new DefaultLogger(opts.level, (entry) => write(`${textLine(entry, redact, colors)}\n`));
}

/** How the worker says its own lines (the startup line, warnings): as they always looked in text, as JSON in json. */
export interface WorkerLines {
  info: (line: string) => void;
  warn: (line: string) => void;
}

export function workerLines(format: WorkerEnv['LOG_FORMAT'], logger: Logger): WorkerLines {
  if (format === 'text') return { info: (line) => console.log(line), warn: (line) => console.warn(line) };
  return { info: (line) => logger.info(line), warn: (line) => logger.warn(line) };
}

/**
 * Node's process warnings (deprecations, the AWS SDK's notices) as lines of `logger`, in place of the text Node writes
 * to stderr for them.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(`${warning.name}: ${warning.message}`));
}

/**
 * Tells each activity's log lines (its context logger's and the SDK's own, such as "Activity failed") which scene and
 * provider it works for, from the fields of its input that name them.
 */
export const activityLogContext: ActivityInterceptorsFactory = () => {
  let context: Record<string, string> = {};
  return {
    inbound: {
      execute: (input, next) => {
        context = inputContext(input.args[0]);
        return next(input);
      },
    },
    outbound: { getLogAttributes: (attributes, next) => next({ ...attributes, ...context }) },
  };
};

const inputContextFields = ['sceneId', 'projectId', 'provider'] as const;

function inputContext(input: unknown): Record<string, string> {
  if (typeof input !== 'object' || input === null) return {};
  const fields = input as Record<string, unknown>;
  return Object.fromEntries(
    inputContextFields.flatMap((name) => (typeof fields[name] === 'string' ? [[name, fields[name]]] : [])),
  );
}

type Redact = (text: string) => string;

function redactor(secrets: readonly (string | undefined)[]): Redact {
  // Shorter values are not credentials, and masking them would garble every line.
  return secretMasker(secrets.filter((s) => s !== undefined && s.length >= 4));
}

function jsonRecord(entry: LogEntry, redact: Redact): Record<string, unknown> {
  const meta = safeMeta(entry.meta, redact);
  const record: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: clip(redact(entry.message)),
  };
  for (const name of contextFields) if (meta[name] !== undefined) record[name] = meta[name];
  for (const [name, value] of Object.entries(meta)) {
    if (lineFields.has(name)) record[`meta_${name}`] = value;
    else if (!(name in record)) record[name] = value;
  }
  return record;
}

function textLine(entry: LogEntry, redact: Redact, colors: boolean): string {
  const format = (value: unknown) => inspect(value, { colors, depth: limits.depth, breakLength: Infinity });
  const head = `${format(new Date(Number(entry.timestampNanos / 1_000_000n)))} [${entry.level}] ${clip(redact(entry.message))}`;
  const meta = safeMeta(entry.meta, redact);
  return Object.keys(meta).length === 0 ? head : `${head} ${format(meta)}`;
}

/**
 * The meta as plain JSON values, under the names the lines use: an activity's `attempt` (the SDK's retry count, whose
 * lines carry `activityId`) becomes `activityAttempt`, and its `workflowRunId` becomes `runId`, as in workflow lines;
 * its `taskToken` is left out.
 */
function safeMeta(meta: LogMetadata | undefined, redact: Redact): Record<string, unknown> {
  if (meta === undefined) return {};
  const named: Record<string, unknown> = { ...meta };
  if ('activityId' in named && 'attempt' in named) {
    named.activityAttempt = named.attempt;
    delete named.attempt;
  }
  if ('workflowRunId' in named) {
    named.runId ??= named.workflowRunId;
    delete named.workflowRunId;
  }
  // The SDK's activity lines carry the task token: a credential that completes the activity for whoever holds it, and
  // some 200 characters of noise on every line.
  delete named.taskToken;
  return safeObject(named, redact, 0, new Set());
}

function safeObject(value: object, redact: Redact, depth: number, path: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Own enumerable string keys only: symbol keys (the SDK's timestamp) are the logger's, not the line's.
  for (const [key, item] of Object.entries(value)) {
    const safe = safeValue(item, redact, depth + 1, path);
    if (safe !== undefined) out[redact(key)] = safe;
  }
  return out;
}

/**
 * A JSON-safe copy: bigints as decimal strings, errors as their name, message, a few frames and known fields (never
 * their other properties, which can hold request headers), repeated ancestors as `[Circular]`, and everything cut at
 * the limits. Undefined for what JSON has no value for (undefined, functions, symbols).
 */
function safeValue(value: unknown, redact: Redact, depth: number, path: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return clip(redact(value));
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (path.has(value)) return '[Circular]';
  if (depth > limits.depth) return '[Object]';
  path.add(value);
  try {
    if (isError(value)) return safeError(value, redact, depth, path, 0);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    if (value instanceof Map) return safeValue(Object.fromEntries(value), redact, depth, path);
    if (Array.isArray(value) || value instanceof Set) {
      const items = [...value];
      const kept = items.slice(0, limits.arrayItems).map((item) => safeValue(item, redact, depth + 1, path) ?? null);
      if (items.length > limits.arrayItems) kept.push(`[${items.length - limits.arrayItems} more]`);
      return kept;
    }
    return safeObject(value, redact, depth, path);
  } finally {
    path.delete(value);
  }
}

/** Errors from the workflow sandbox are of another realm: `instanceof Error` misses them. */
function isError(value: object): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function safeError(err: Error, redact: Redact, depth: number, path: Set<object>, causes: number) {
  const fields = err as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {
    name: clip(redact(String(err.name))),
    message: clip(redact(String(err.message))),
  };
  for (const name of errorFields) {
    const field = fields[name];
    if (['string', 'number', 'boolean'].includes(typeof field)) out[name] = safeValue(field, redact, depth + 1, path);
  }
  const frames = typeof err.stack === 'string' ? err.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  if (frames.length > 0)
    out.stack = redact(
      frames
        .slice(0, limits.stackFrames)
        .map((l) => l.trim())
        .join('\n'),
    );
  const { cause } = err;
  if (cause !== undefined) {
    if (typeof cause === 'object' && cause !== null && path.has(cause)) out.cause = '[Circular]';
    else if (causes >= limits.causes) out.cause = '[cause]';
    else if (typeof cause === 'object' && cause !== null && isError(cause)) {
      path.add(cause);
      out.cause = safeError(cause, redact, depth + 1, path, causes + 1);
      path.delete(cause);
    } else out.cause = safeValue(cause, redact, depth + 1, path);
  }
  return out;
}

function clip(text: string): string {
  return text.length <= limits.stringChars
    ? text
    : `${text.slice(0, limits.stringChars)}…[${text.length - limits.stringChars} more chars]`;
}
