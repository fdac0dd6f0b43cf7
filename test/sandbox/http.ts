import type { Sandbox } from '../../dev/sandbox';
import { waitFor } from '../helpers/wait-for';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // Conformance tests read arbitrary documented fields; a loose type keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<ApiResponse> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function piapi(sb: Sandbox) {
  const headers = { 'x-api-key': sb.apiKeys.piapi };
  return {
    create: (body: unknown) => call(`${sb.piapiBaseUrl}/api/v1/task`, { method: 'POST', headers, body }),
    get: (id: string) => call(`${sb.piapiBaseUrl}/api/v1/task/${id}`, { headers }),
    cancel: (id: string) => call(`${sb.piapiBaseUrl}/api/v1/task/${id}`, { method: 'DELETE', headers }),
    call: (path: string, init: { method?: string; body?: unknown } = {}) =>
      call(`${sb.piapiBaseUrl}${path}`, { ...init, headers }),
    /** Polls until the task's status is one of `statuses`; returns the task object (`data`). */
    async until(id: string, ...statuses: string[]) {
      return waitFor(
        async () => {
          const { json } = await this.get(id);
          return statuses.includes(json.data.status) ? json.data : undefined;
        },
        10_000,
        20,
      );
    },
  };
}

export function runway(sb: Sandbox) {
  const headers = { authorization: `Bearer ${sb.apiKeys.runway}`, 'x-runway-version': '2024-11-06' };
  return {
    headers,
    imageToVideo: (body: unknown) => call(`${sb.runwayBaseUrl}/v1/image_to_video`, { method: 'POST', headers, body }),
    textToVideo: (body: unknown) => call(`${sb.runwayBaseUrl}/v1/text_to_video`, { method: 'POST', headers, body }),
    get: (id: string) => call(`${sb.runwayBaseUrl}/v1/tasks/${id}`, { headers }),
    delete: (id: string) => call(`${sb.runwayBaseUrl}/v1/tasks/${id}`, { method: 'DELETE', headers }),
    /** Polls until the task's status is one of `statuses`; returns the task. */
    async until(id: string, ...statuses: string[]) {
      return waitFor(
        async () => {
          const { json } = await this.get(id);
          return statuses.includes(json.status) ? json : undefined;
        },
        10_000,
        20,
      );
    },
  };
}

export const fast = { default: { queueMs: 40, renderMs: 150 } };

export const klingBody = (input: Record<string, unknown> = {}, config?: unknown) => ({
  model: 'kling',
  task_type: 'video_generation',
  input: { prompt: 'a lighthouse at dusk', duration: 5, aspect_ratio: '16:9', ...input },
  ...(config === undefined ? {} : { config }),
});

export const gen45Body = (extra: Record<string, unknown> = {}) => ({
  model: 'gen4.5',
  promptText: 'a lighthouse at dusk',
  ratio: '1280:720',
  duration: 5,
  ...extra,
});
