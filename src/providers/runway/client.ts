import { excerpt, sendJson } from '../http';
import { at, nonEmptyString } from '../json';
import { ProviderError, type CallOptions, type VideoProviderClient } from '../types';
import { parseRunwayOrganization } from './account';
import { httpError } from './errors';
import { buildRunwayTaskRequest } from './request';
import { parseRunwayTask } from './task';

export interface RunwayClientOptions {
  baseUrl?: string;
  apiKey: string;
  /** Per-call timeout when the caller gives none. */
  timeoutMs?: number;
  /** The largest reply body read; a longer one fails the call as a protocol error (default 4 MiB). */
  maxReplyBytes?: number;
}

export const runwayDefaultBaseUrl = 'https://api.dev.runwayml.com';
const apiVersion = '2024-11-06';
const defaultTimeoutMs = 30_000;

export function createRunwayClient(options: RunwayClientOptions): VideoProviderClient {
  const baseUrl = (options.baseUrl ?? runwayDefaultBaseUrl).replace(/\/+$/, '');

  /** Sends one call; returns the JSON body of a 2xx reply (when one is expected), or throws the classified failure. */
  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    label: string,
    body: unknown,
    opts: CallOptions | undefined,
  ): Promise<unknown> {
    const fullLabel = `Runway ${method} ${label}`;
    const reply = await sendJson({
      method,
      url: `${baseUrl}${path}`,
      headers: { Authorization: `Bearer ${options.apiKey}`, 'X-Runway-Version': apiVersion },
      secret: options.apiKey,
      body,
      label: fullLabel,
      urlTemplate: label,
      timeoutMs: opts?.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs,
      signal: opts?.signal,
      maxReplyBytes: options.maxReplyBytes,
      observe: opts?.observe,
    });
    if (reply.status < 200 || reply.status > 299) throw httpError(fullLabel, reply, method === 'POST');
    if (method === 'DELETE' || reply.json !== undefined) return reply.json;
    throw new ProviderError(
      'protocol',
      `${fullLabel}: HTTP ${reply.status} without a JSON body: ${excerpt(reply.text)}`,
      { httpStatus: reply.status },
    );
  }

  return {
    async createTask(request, opts) {
      const built = buildRunwayTaskRequest(request);
      const taskId = nonEmptyString(at(await call('POST', built.path, built.path, built.body, opts), 'id'));
      if (!taskId) throw new ProviderError('protocol', `Runway POST ${built.path}: the reply has no task id`);
      return { taskId };
    },

    async getTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      return parseRunwayTask(await call('GET', path, '/v1/tasks/{id}', undefined, opts));
    },

    async cancelTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      try {
        await call('DELETE', path, '/v1/tasks/{id}', undefined, opts);
      } catch (err) {
        // A task that is already deleted answers 404: the cancel has nothing left to do.
        if (!(err instanceof ProviderError) || err.kind !== 'not_found') throw err;
      }
      return { cancelled: true };
    },

    async getAccount(opts) {
      return parseRunwayOrganization(await call('GET', '/v1/organization', '/v1/organization', undefined, opts));
    },
  };
}
