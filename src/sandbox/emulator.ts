import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './http-util';
import type { ScenarioRuntime } from './scenario-runtime';
import type { StatsRecorder } from './stats';
import { sleep } from './time';
import type { ClipLibrary } from './video-files';
import type { WebhookSender } from './webhooks';

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

/** A 200 whose JSON is cut off mid-way, as a broken gateway or proxy might deliver it. */
export async function replyMalformed(
  deps: EmulatorDeps,
  res: ServerResponse,
  key: string,
  body: unknown,
): Promise<void> {
  await sleep(deps.runtime.behaviour(key).latencyMs);
  const json = JSON.stringify(body);
  sendText(res, 200, json.slice(0, Math.floor(json.length / 2)), { 'content-type': 'application/json; charset=utf-8' });
}
