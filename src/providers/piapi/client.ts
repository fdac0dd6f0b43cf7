import { excerpt, retryAfterMs, sendJson } from '../http';
import { at } from '../json';
import { ProviderError, type CallOptions, type VideoProviderClient } from '../types';
import { parsePiapiAccount } from './account';
import { envelopeSucceeded, piapiErrorKind, replyMessage } from './errors';
import { buildPiapiTaskRequest, type PiapiTaskRequest } from './request';
import { parsePiapiTask } from './task';

export interface PiapiClientOptions {
  baseUrl?: string;
  apiKey: string;
  webhook?: { endpoint: string; secret: string };
  serviceMode?: 'public' | 'private';
  /** Per-call timeout when the caller gives none. */
  timeoutMs?: number;
  /** The largest reply body read; a longer one fails the call as a protocol error (default 4 MiB). */
  maxReplyBytes?: number;
  /** Secrets a reply may echo besides the API key, e.g. the webhook secret of the tasks' `webhook_config`. */
  maskedSecrets?: string[];
}

export const piapiDefaultBaseUrl = 'https://api.piapi.ai';
const defaultTimeoutMs = 30_000;

export function createPiapiClient(options: PiapiClientOptions): VideoProviderClient {
  const baseUrl = (options.baseUrl ?? piapiDefaultBaseUrl).replace(/\/+$/, '');
  const config: PiapiTaskRequest['config'] = {};
  if (options.webhook) config.webhook_config = { endpoint: options.webhook.endpoint, secret: options.webhook.secret };
  if (options.serviceMode) config.service_mode = options.serviceMode;
  // Every reply may echo a task's `config.webhook_config`, GETs included.
  const masked = [...(options.maskedSecrets ?? []), ...(options.webhook?.secret ? [options.webhook.secret] : [])];

  /** Sends one call and returns the JSON body of a successful reply, or throws the classified failure. */
  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    label: string,
    body: unknown,
    opts: CallOptions | undefined,
    taskLookup: boolean,
    bodySecret?: string,
  ): Promise<unknown> {
    const fullLabel = `PiAPI ${method} ${label}`;
    const reply = await sendJson({
      method,
      url: `${baseUrl}${path}`,
      headers: { 'x-api-key': options.apiKey },
      secret: [options.apiKey, ...masked, ...(bodySecret === undefined ? [] : [bodySecret])],
      body,
      label: fullLabel,
      urlTemplate: label,
      timeoutMs: opts?.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs,
      signal: opts?.signal,
      maxReplyBytes: options.maxReplyBytes,
      observe: opts?.observe,
    });
    const ok = reply.status >= 200 && reply.status <= 299;
    if (ok && reply.json === undefined) {
      // A cancel's 2xx is its acknowledgement, with or without a body.
      if (method === 'DELETE') return undefined;
      throw new ProviderError(
        'protocol',
        `${fullLabel}: HTTP ${reply.status} without a JSON body: ${excerpt(reply.text)}`,
        {
          httpStatus: reply.status,
        },
      );
    }
    const envelopeCode = at(reply.json, 'code');
    if (ok && envelopeSucceeded(envelopeCode)) return reply.json;
    const code = ok ? Number(envelopeCode) : reply.status;
    const message = replyMessage(reply);
    const where = ok ? `envelope code ${String(envelopeCode)}` : `HTTP ${reply.status}`;
    throw new ProviderError(piapiErrorKind(code, message, taskLookup), `${fullLabel}: ${where}: ${message}`, {
      httpStatus: reply.status,
      retryAfterMs: retryAfterMs(reply.headers),
    });
  }

  return {
    async createTask(request, opts) {
      const built = buildPiapiTaskRequest(request);
      const taskConfig = request.webhook ? { ...config, webhook_config: request.webhook } : config;
      const body: PiapiTaskRequest = Object.keys(taskConfig).length > 0 ? { ...built, config: taskConfig } : built;
      const webhookSecret = taskConfig.webhook_config?.secret || undefined;
      const reply = await call('POST', '/api/v1/task', '/api/v1/task', body, opts, false, webhookSecret);
      const snapshot = parsePiapiTask(reply);
      return { taskId: snapshot.taskId, snapshot };
    },

    async getTask(taskId, opts) {
      const path = `/api/v1/task/${encodeURIComponent(taskId)}`;
      return parsePiapiTask(await call('GET', path, '/api/v1/task/{id}', undefined, opts, true));
    },

    async cancelTask(taskId, opts) {
      const path = `/api/v1/task/${encodeURIComponent(taskId)}`;
      try {
        await call('DELETE', path, '/api/v1/task/{id}', undefined, opts, true);
        return { cancelled: true };
      } catch (err) {
        if (!(err instanceof ProviderError) || err.retryable || err.kind === 'auth') throw err;
        if (err.kind === 'not_found') return { cancelled: true };
        // Only pending tasks can be cancelled and the refusal for the others is undocumented: any other answer is one,
        // and the task (which may have started rendering since it was last seen) goes on.
        return { cancelled: false, refusal: err.message };
      }
    },

    async getAccount(opts) {
      return parsePiapiAccount(await call('GET', '/account/info', '/account/info', undefined, opts, false));
    },
  };
}
