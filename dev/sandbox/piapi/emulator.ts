import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { type EmulatorDeps, reply, replyOk } from '../emulator';
import { type Route, type RouteContext, header, parseJson, readBody } from '../core/http';
import { type PiapiModel, piapiModels } from './models';
import { priceOf } from '../core/scenario';
import { type SandboxTaskRecord, taskRecord } from '../core/stats';
import {
  type CreateFault,
  drawCreateFault,
  drawGetFault,
  drawTaskFate,
  spoilsReplyOnly,
  type SpoiledCreateFault,
} from '../core/task-faults';
import { type Phase, type SandboxTask, TaskStore, isTerminal } from '../core/task-store';
import { now, rfc3339Nano } from '../core/time';
import { clipSizes } from '../video/clip-library';
import { serveVideo } from '../video/serving';

interface PiapiDetails {
  spec: PiapiModel;
  taskType: string;
  input: Record<string, unknown>;
  config: { service_mode: string; webhook_config: { endpoint: string; secret: string } };
  lastNotifiedStatus?: string;
}

type PiapiTask = SandboxTask<PiapiDetails>;

/** Inferred from PiAPI's examples: `meta.usage` counts 10,000,000 units per USD. */
const UNITS_PER_USD = 10_000_000;
/** Seedance's documented code for content violations; the emulator uses it for every model's moderation failures. */
const MODERATION_CODE = 10003;
/** Not documented: the emulator's code for other task failures. */
const FAILURE_CODE = 10000;
/** The 401 body is undocumented; the shape follows PiAPI's other error bodies. */
const UNAUTHORIZED = { code: 401, message: 'Unauthorized: missing or invalid x-api-key' };

const createBody = z.object({
  model: z.string().min(1),
  task_type: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  config: z
    .object({
      service_mode: z.enum(['public', 'private', '']).optional(),
      webhook_config: z.object({ endpoint: z.string().optional(), secret: z.string().optional() }).optional(),
    })
    .optional(),
});

const cancelManyQuery = z.object({
  created_before: z.coerce.number().int().nonnegative(),
  model: z.enum(['kling', 'midjourney', 'suno', 'luma', 'all']),
});

function piapiStatus(phase: Phase): string {
  switch (phase) {
    case 'throttled':
    case 'queued':
      return 'pending';
    case 'running':
      return 'processing';
    case 'succeeded':
      return 'completed';
    case 'failed':
    case 'cancelled':
      return 'failed';
  }
}

/** PiAPI's unified task API (`/api/v1/task...`, `/account/info`) and its public ephemeral output files. */
export class PiapiEmulator {
  readonly store: TaskStore<PiapiDetails>;

  constructor(
    private readonly deps: EmulatorDeps,
    private readonly apiKey: string,
  ) {
    this.store = new TaskStore<PiapiDetails>({
      concurrencyOf: (key) => deps.runtime.behaviour(key).concurrency,
      onChange: (task) => this.notify(task),
    });
  }

  routes(): Route[] {
    const file = /^\/ephemeral\/([0-9a-f-]+)\.mp4$/;
    return [
      { method: 'POST', path: /^\/api\/v1\/task$/, label: 'POST /api/v1/task', handle: (c) => this.create(c) },
      { method: 'GET', path: /^\/api\/v1\/task\/([^/]+)$/, label: 'GET /api/v1/task/:id', handle: (c) => this.get(c) },
      {
        method: 'DELETE',
        path: /^\/api\/v1\/task\/([^/]+)$/,
        label: 'DELETE /api/v1/task/:id',
        handle: (c) => this.cancel(c),
      },
      {
        method: 'DELETE',
        path: /^\/api\/v1\/tasks$/,
        label: 'DELETE /api/v1/tasks',
        handle: (c) => this.cancelMany(c),
      },
      { method: 'GET', path: /^\/account\/info$/, label: 'GET /account/info', handle: (c) => this.account(c) },
      { method: 'GET', path: file, label: 'GET /ephemeral/:file', handle: (c) => this.download(c) },
      { method: 'HEAD', path: file, label: 'HEAD /ephemeral/:file', handle: (c) => this.download(c) },
    ];
  }

  records(): SandboxTaskRecord[] {
    return this.store.all().map((t) => taskRecord(t, piapiStatus(t.phase)));
  }

  private async create({ req, res }: RouteContext): Promise<void> {
    if (!this.authorized(req)) return this.unauthorized(res);
    const body = createBody.safeParse(parseJson(await readBody(req)));
    if (!body.success) return this.badRequest(res, 'piapi', `invalid request body: ${describe(body.error)}`);
    const { model, task_type: taskType, config } = body.data;
    const key = `piapi:${model}`;
    const spec = Object.hasOwn(piapiModels, model) ? piapiModels[model] : undefined;
    if (!spec) return this.badRequest(res, key, `model ${model} is not supported`);
    if (!spec.taskTypes.includes(taskType))
      return this.badRequest(res, key, `task_type ${taskType} is not supported by model ${model}`);
    const input = spec.input(taskType).safeParse(body.data.input);
    if (!input.success) return this.badRequest(res, key, `failed to validate input: ${describe(input.error)}`);

    const behaviour = this.deps.runtime.behaviour(key);
    const fault = drawCreateFault(this.deps.runtime, behaviour);
    if (fault && !spoilsReplyOnly(fault)) {
      const [status, errorBody, headers] = faultReply(fault);
      return reply(this.deps, res, key, status, errorBody, headers);
    }
    const { aspect, durationSec } = spec.media(input.data);
    const prompt = typeof input.data.prompt === 'string' ? input.data.prompt : '';
    const task = this.store.create({
      api: 'piapi',
      model,
      prompt,
      aspect,
      durationSec,
      cost: priceOf(behaviour.price, durationSec),
      queueMs: behaviour.queueMs,
      renderMs: behaviour.renderMs,
      ...drawTaskFate(this.deps.runtime, behaviour, prompt),
      details: {
        spec,
        taskType,
        // Echoed as sent: PiAPI's echo is only sometimes normalised.
        input: body.data.input,
        config: {
          service_mode: config?.service_mode ?? '',
          webhook_config: {
            endpoint: config?.webhook_config?.endpoint ?? '',
            secret: config?.webhook_config?.secret ?? '',
          },
        },
      },
    });
    this.notify(task);
    const envelope = { code: this.successCode(), data: this.render(task), message: 'success' };
    return replyOk(this.deps, res, key, envelope, fault);
  }

  private async get({ req, res, params }: RouteContext): Promise<void> {
    if (!this.authorized(req)) return this.unauthorized(res);
    const task = this.store.get(params[0] ?? '');
    if (!task) return this.notFound(res);
    this.deps.stats.statusRead(task);
    const envelope = { code: this.successCode(), data: this.render(task), message: 'success' };
    const fault = drawGetFault(this.deps.runtime, this.deps.runtime.behaviour(task.key));
    return replyOk(this.deps, res, task.key, envelope, fault);
  }

  private async cancel({ req, res, params }: RouteContext): Promise<void> {
    if (!this.authorized(req)) return this.unauthorized(res);
    const id = params[0] ?? '';
    this.deps.stats.deleteRequested(id);
    const task = this.store.get(id);
    if (!task) return this.notFound(res);
    const status = piapiStatus(task.phase);
    // "Once a task has entered the processing state, it can no longer be canceled."
    if (status !== 'pending')
      return this.badRequest(res, task.key, `task ${id} is ${status}, only pending tasks can be canceled`);
    this.store.delete(task);
    return reply(this.deps, res, task.key, 200, { code: this.successCode(), message: `task ${id} canceled` });
  }

  private async cancelMany({ req, res, url }: RouteContext): Promise<void> {
    if (!this.authorized(req)) return this.unauthorized(res);
    const query = cancelManyQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return this.badRequest(res, 'piapi', `invalid query: ${describe(query.error)}`);
    const { created_before: before, model } = query.data;
    const canceled = this.store
      .all()
      .filter((t) => (model === 'all' || t.model === model) && t.createdAt.ms < before * 1000)
      .filter((t) => piapiStatus(t.phase) === 'pending' && !t.deleted);
    for (const task of canceled) {
      this.deps.stats.deleteRequested(task.id);
      this.store.delete(task);
    }
    return reply(this.deps, res, 'piapi', 200, {
      code: this.successCode(),
      data: { task_ids: canceled.map((t) => t.id) },
      message: 'success',
    });
  }

  private async account({ req, res }: RouteContext): Promise<void> {
    if (!this.authorized(req)) return this.unauthorized(res);
    const spentUnits = this.store.all().reduce((sum, t) => sum + this.usage(t).frozen + this.usage(t).consume, 0);
    const balanceUnits = this.deps.runtime.scenario.account.piapiUsd * UNITS_PER_USD - spentUnits;
    return reply(this.deps, res, 'piapi', 200, {
      code: this.successCode(),
      data: {
        account_name: 'sandbox',
        account_id: 'sandbox',
        credits: balanceUnits,
        equivalent_in_usd: balanceUnits / UNITS_PER_USD,
      },
      message: 'success',
    });
  }

  private async download({ req, res, params }: RouteContext): Promise<void> {
    const task = this.store.byFileId(params[0] ?? '');
    // Past retention the file is gone, while the task record still names it.
    const retentionMs = this.deps.runtime.scenario.outputs.piapiRetentionMs;
    const deleted =
      retentionMs !== undefined && task?.endedAt !== undefined && Date.now() - task.endedAt.ms >= retentionMs;
    if (!task || task.phase !== 'succeeded' || deleted)
      return reply(this.deps, res, 'piapi', 404, { code: 404, message: 'not found' });
    return serveVideo(req, res, task, this.deps);
  }

  private render(task: PiapiTask): Record<string, unknown> {
    const { spec, taskType, input, config } = task.details;
    return {
      task_id: task.id,
      model: task.model,
      task_type: taskType,
      status: piapiStatus(task.phase),
      config,
      input,
      output:
        task.phase === 'succeeded'
          ? spec.completedOutput(input, {
              url: task.unsafeUrl ?? `${this.deps.origin()}/ephemeral/${task.fileId}.mp4`,
              ...clipSizes[task.aspect],
              durationSec: task.durationSec,
              createdAt: new Date(task.createdAt.ms).toISOString(),
            })
          : spec.pendingOutput(input, this.store.progress(task)),
      meta: {
        created_at: rfc3339Nano(task.createdAt),
        started_at: rfc3339Nano(task.startedAt),
        ended_at: rfc3339Nano(task.endedAt),
        usage: { type: 'point', ...this.usage(task) },
        is_using_private_pool: false,
      },
      detail: null,
      ...this.failure(task),
    };
  }

  /** Frozen at creation, consumed on completion, refunded on failure. */
  private usage(task: PiapiTask): { frozen: number; consume: number } {
    const units = Math.round(task.cost * UNITS_PER_USD);
    if (task.phase === 'succeeded') return { frozen: 0, consume: units };
    if (task.phase === 'failed' || task.phase === 'cancelled') return { frozen: 0, consume: 0 };
    return { frozen: units, consume: 0 };
  }

  private failure(task: PiapiTask): { logs: string[] | null; error: Record<string, unknown> } {
    const error = (code: number, message: string) => ({ code, raw_message: message, message, detail: null });
    const { outcome } = task;
    if (task.phase === 'cancelled') return { logs: [], error: error(FAILURE_CODE, `task ${task.id} canceled`) };
    if (task.phase !== 'failed' || outcome.kind !== 'fail')
      return { logs: task.details.spec.nullLogs ? null : [], error: error(0, '') };
    if (outcome.moderation) {
      const message = 'Invalid Request: the prompt was rejected by content moderation';
      return {
        logs: [`content moderation rejected the prompt: ${task.prompt}`],
        error: error(MODERATION_CODE, message),
      };
    }
    return { logs: [], error: error(outcome.code ?? FAILURE_CODE, outcome.message ?? 'task failed, please try again') };
  }

  /** Webhook on creation and on every status change, when the task has an endpoint. */
  private notify(task: PiapiTask): void {
    const { webhook_config: target } = task.details.config;
    const status = piapiStatus(task.phase);
    if (!target.endpoint || task.details.lastNotifiedStatus === status) return;
    task.details.lastNotifiedStatus = status;
    const forgedCompletion = (url: string) =>
      this.render({ ...task, phase: 'succeeded', unsafeUrl: url, endedAt: task.endedAt ?? now() });
    this.deps.webhooks.send({
      taskId: task.id,
      target,
      data: this.render(task),
      final: isTerminal(task.phase),
      forgedCompletion,
      crossTaskData: (url) => {
        const other = this.store
          .all()
          .filter((t) => t.id !== task.id)
          .at(-1);
        return other ? this.render(other) : { ...forgedCompletion(url), task_id: randomUUID() };
      },
    });
  }

  private successCode(): number {
    return this.deps.runtime.scenario.piapiSuccessCode;
  }

  private authorized(req: IncomingMessage): boolean {
    return header(req, 'x-api-key') === this.apiKey;
  }

  private unauthorized(res: RouteContext['res']): Promise<void> {
    return reply(this.deps, res, 'piapi', 401, UNAUTHORIZED);
  }

  private badRequest(res: RouteContext['res'], key: string, message: string): Promise<void> {
    return reply(this.deps, res, key, 400, { code: 400, message });
  }

  private notFound(res: RouteContext['res']): Promise<void> {
    return reply(this.deps, res, 'piapi', 404, { code: 404, message: 'task not found' });
  }
}

function faultReply(fault: Exclude<CreateFault, SpoiledCreateFault>): [number, unknown, Record<string, string>?] {
  switch (fault.kind) {
    case 'create_5xx':
      return [fault.status, { code: fault.status, message: 'internal server error, please retry later' }];
    case 'create_4xx':
      return [fault.status, fault.body ?? { code: fault.status, message: 'invalid request' }];
    case 'rate_limit':
      return [
        429,
        { code: 429, message: 'too many requests, please retry later' },
        fault.retryAfterSec === undefined ? {} : { 'retry-after': `${fault.retryAfterSec}` },
      ];
    case 'auth':
      return [401, UNAUTHORIZED];
    case 'insufficient_credits':
      return [402, { code: 402, message: 'insufficient credits, please top up your account' }];
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}
