import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './core/http';
import type { ScenarioRuntime } from './core/scenario-runtime';
import type { StatsRecorder } from './core/stats';
import type { SpoiledReplyFault } from './core/task-faults';
import { sleep } from './core/time';
import type { ClipLibrary } from './video/clip-library';
import type { WebhookSender } from './core/webhooks';

/** What both API emulators share. */
export interface EmulatorDeps {
  runtime: ScenarioRuntime;
  stats: StatsRecorder;
  clips: ClipLibrary;
  webhooks: WebhookSender;
  /** Known once the server listens. */
  origin(): string;
}

/** Answers after the model's configured latency (`key` `api:model`, or just `api` before the model is known). */
export async function reply(
  deps: EmulatorDeps,
  res: ServerResponse,
  key: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  await sleep(deps.runtime.behaviour(key).latencyMs);
  sendJson(res, status, body, headers);
}

/** The 200 reply with `body`, spoiled as `fault` says when one was drawn. */
export function replyOk(
  deps: EmulatorDeps,
  res: ServerResponse,
  key: string,
  body: unknown,
  fault: SpoiledReplyFault | undefined,
): Promise<void> {
  if (fault === undefined) return reply(deps, res, key, 200, body);
  if (fault.kind === 'oversized_create' || fault.kind === 'oversized_get')
    return replyOversized(deps, res, key, body, fault.bytes);
  return replyMalformed(deps, res, key, body);
}

/** A 200 whose JSON is cut off mid-way, as a broken gateway or proxy might deliver it. */
async function replyMalformed(deps: EmulatorDeps, res: ServerResponse, key: string, body: unknown): Promise<void> {
  await sleep(deps.runtime.behaviour(key).latencyMs);
  const json = JSON.stringify(body);
  sendText(res, 200, json.slice(0, Math.floor(json.length / 2)), { 'content-type': 'application/json; charset=utf-8' });
}

/**
 * A 200 whose JSON body is `bytes` long, or never ends: a broken gateway looping, or a file served in place of the API.
 * Written with back-pressure, so the sandbox itself stays small whatever the client does.
 */
async function replyOversized(
  deps: EmulatorDeps,
  res: ServerResponse,
  key: string,
  body: unknown,
  bytes: number | undefined,
): Promise<void> {
  await sleep(deps.runtime.behaviour(key).latencyMs);
  const head = Buffer.from(`${JSON.stringify(body).slice(0, -1)},"padding":"`);
  const tail = Buffer.from('"}');
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    ...(bytes === undefined ? {} : { 'content-length': `${Math.max(bytes, head.length + tail.length)}` }),
  });
  const filler = Buffer.alloc(64 * 1024, 'x');
  let left = bytes === undefined ? Infinity : Math.max(0, bytes - head.length - tail.length);
  if (!(await write(res, head))) return;
  while (left > 0) {
    const piece = left >= filler.length ? filler : filler.subarray(0, left);
    if (!(await write(res, piece))) return;
    left -= piece.length;
  }
  res.end(tail);
}

/** Resolves false once the client has gone away. */
function write(res: ServerResponse, data: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const gone = () => resolve(false);
    res.once('close', gone);
    res.write(data, (err) => {
      res.off('close', gone);
      resolve(!err && !res.destroyed);
    });
  });
}
