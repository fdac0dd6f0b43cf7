import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { type EmulatorDeps, reply, replyOk } from '../emulator';
import { type Route, type RouteContext, header, parseJson, readBody, sendText } from '../core/http';
import { type RunwayCreateBody, defaultDuration, imageToVideoBody, runwayModels, textToVideoBody } from './schemas';
import { priceOf } from '../core/scenario';
import { UrlSigner } from './signed-urls';
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
import { nearestAspect } from '../video/clip-library';
import { serveVideo } from '../video/serving';

type RunwayTask = SandboxTask<null>;

const RUNWAY_API_VERSION = '2024-11-06';
const DOC_URL = 'https://docs.dev.runwayml.com/api';
/** Runway's 429 on task creation: the tier's maximum daily generations (it has no requests-per-minute limit). */
const dailyCapMessage = 'You have reached the maximum number of daily generations for this model.';

function runwayStatus(phase: Phase): string {
  switch (phase) {
    case 'throttled':
      return 'THROTTLED';
    case 'queued':
      return 'PENDING';
    case 'running':
      return 'RUNNING';
    case 'succeeded':
      return 'SUCCEEDED';
    case 'failed':
      return 'FAILED';
    case 'cancelled':
      return 'CANCELLED';
  }
}

/** Runway's developer API (`/v1/...`, API version 2024-11-06) and its signed output files. No webhooks: it has none. */
export class RunwayEmulator {
  readonly store = new TaskStore<null>({
    concurrencyOf: (key) => this.deps.runtime.behaviour(key).concurrency,
    onChange: () => undefined,
  });
  private readonly signer = new UrlSigner();

  constructor(
    private readonly deps: EmulatorDeps,
    private readonly apiKey: string,
  ) {}

  routes(): Route[] {
    const file = /^\/runway-output\/([0-9a-f-]+)\.mp4$/;
    return [
      {
        method: 'POST',
        path: /^\/v1\/image_to_video$/,
        label: 'POST /v1/image_to_video',
        handle: (c) => this.create(c, imageToVideoBody),
      },
      {
        method: 'POST',
        path: /^\/v1\/text_to_video$/,
        label: 'POST /v1/text_to_video',
        handle: (c) => this.create(c, textToVideoBody),
      },
      { method: 'GET', path: /^\/v1\/tasks\/([^/]+)$/, label: 'GET /v1/tasks/:id', handle: (c) => this.get(c) },
      {
        method: 'DELETE',
        path: /^\/v1\/tasks\/([^/]+)$/,
        label: 'DELETE /v1/tasks/:id',
        handle: (c) => this.delete(c),
      },
      {
        method: 'GET',
        path: /^\/v1\/organization$/,
        label: 'GET /v1/organization',
        handle: (c) => this.organization(c),
      },
      { method: 'GET', path: file, label: 'GET /runway-output/:file', handle: (c) => this.download(c) },
      { method: 'HEAD', path: file, label: 'HEAD /runway-output/:file', handle: (c) => this.download(c) },
    ];
  }

  records(): SandboxTaskRecord[] {
    return this.store.all().map((t) => taskRecord(t, runwayStatus(t.phase)));
  }

  private async create(ctx: RouteContext, schema: z.ZodType<RunwayCreateBody>): Promise<void> {
    const { req, res } = ctx;
    if (!(await this.admitted(ctx))) return;
    const json = parseJson(await readBody(req));
    if (json === undefined)
      return reply(this.deps, res, 'runway', 400, { error: 'Invalid JSON body', docUrl: DOC_URL });
    const body = schema.safeParse(json);
    if (!body.success)
      return reply(this.deps, res, 'runway', 400, {
        error: 'Validation of body failed',
        issues: body.error.issues,
        docUrl: DOC_URL,
      });

    const key = `runway:${body.data.model}`;
    const behaviour = this.deps.runtime.behaviour(key);
    if (this.overDailyCap(key, behaviour.dailyGenerations))
      return reply(this.deps, res, key, 429, { error: dailyCapMessage });
    const fault = drawCreateFault(this.deps.runtime, behaviour);
    if (fault && !spoilsReplyOnly(fault)) {
      const [status, errorBody, headers] = faultReply(fault);
      return reply(this.deps, res, key, status, errorBody, headers);
    }
    const durationSec = body.data.duration ?? defaultDuration(body.data.model);
    const prompt = body.data.promptText ?? '';
    const task = this.store.create({
      api: 'runway',
      model: body.data.model,
      prompt,
      aspect: nearestAspect(body.data.ratio),
      durationSec,
      cost: priceOf(behaviour.price, durationSec),
      queueMs: behaviour.queueMs,
      renderMs: behaviour.renderMs,
      ...drawTaskFate(this.deps.runtime, behaviour, prompt),
      details: null,
    });
    const created = { id: task.id, estimatedCost: { credits: task.cost } };
    return replyOk(this.deps, res, key, created, fault);
  }

  /** Runway counts generations per model over a rolling 24 hours; a rejected create is not one. */
  private overDailyCap(key: string, cap: number | undefined): boolean {
    return cap !== undefined && this.generationsToday(key) >= cap;
  }

  /** Tasks created in the rolling 24-hour window Runway's daily limit counts. */
  private generationsToday(key: string): number {
    const since = Date.now() - 24 * 3_600_000;
    return this.store.all().filter((t) => t.key === key && t.createdAt.ms > since).length;
  }

  private async get(ctx: RouteContext): Promise<void> {
    if (!(await this.admitted(ctx))) return;
    const task = this.live(ctx.params[0]);
    if (!task) return this.notFound(ctx.res);
    this.deps.stats.statusRead(task);
    const body = this.render(task);
    const fault = drawGetFault(this.deps.runtime, this.deps.runtime.behaviour(task.key));
    return replyOk(this.deps, ctx.res, task.key, body, fault);
  }

  /** Cancels a task that is still running, deletes one that is not; either way it is gone afterwards. */
  private async delete(ctx: RouteContext): Promise<void> {
    if (!(await this.admitted(ctx))) return;
    this.deps.stats.deleteRequested(ctx.params[0] ?? '');
    const task = this.live(ctx.params[0]);
    if (!task) return this.notFound(ctx.res);
    this.store.delete(task);
    return reply(this.deps, ctx.res, task.key, 204, undefined);
  }

  private async organization(ctx: RouteContext): Promise<void> {
    if (!(await this.admitted(ctx))) return;
    const tasks = this.store.all();
    const spent = tasks.reduce((sum, t) => sum + (this.charged(t) ?? t.cost), 0);
    const starting = this.deps.runtime.scenario.account.runwayCredits;
    const perModel = <T>(value: (model: string) => T) => Object.fromEntries(runwayModels.map((m) => [m, value(m)]));
    return reply(this.deps, ctx.res, 'runway', 200, {
      creditBalance: starting - spent,
      tier: {
        maxMonthlyCreditSpend: starting,
        // A concurrency only where the scenario enforces one: a made-up number would gate every Runway scene at it.
        models: perModel((m) => {
          const behaviour = this.deps.runtime.behaviour(`runway:${m}`);
          return {
            ...(behaviour.concurrency !== undefined && { maxConcurrentGenerations: behaviour.concurrency }),
            maxDailyGenerations: behaviour.dailyGenerations ?? 100_000,
          };
        }),
      },
      usage: { models: perModel((m) => ({ dailyGenerations: this.generationsToday(`runway:${m}`) })) },
    });
  }

  private async download({ req, res, params, url }: RouteContext): Promise<void> {
    const fileId = params[0] ?? '';
    const task = this.store.byFileId(fileId);
    // Deleted tasks lose their output too; a bad or expired signature gets CloudFront's 403.
    if (!task || task.deleted || task.phase !== 'succeeded') return sendText(res, 404, 'Not Found');
    if (!this.signer.verify(url.searchParams.get('_jwt'), fileId)) return sendText(res, 403, 'AccessDenied');
    return serveVideo(req, res, task, this.deps);
  }

  private render(task: RunwayTask): Record<string, unknown> {
    const base = {
      id: task.id,
      status: runwayStatus(task.phase),
      createdAt: new Date(task.createdAt.ms).toISOString(),
    };
    const charged = this.charged(task);
    const cost = charged === undefined ? { estimatedCost: { credits: task.cost } } : { cost: { credits: charged } };
    const { outcome } = task;
    switch (task.phase) {
      case 'running':
        return { ...base, progress: Math.round(this.store.progress(task) * 100) / 100, ...cost };
      case 'succeeded': {
        const url =
          task.unsafeUrl ??
          `${this.deps.origin()}/runway-output/${task.fileId}.mp4?_jwt=${this.signer.sign(task.fileId, this.deps.runtime.scenario.outputs.runwayUrlLifetimeMs)}`;
        return { ...base, output: [url], ...cost };
      }
      case 'failed':
        if (outcome.kind === 'fail' && outcome.moderation)
          return {
            ...base,
            ...(outcome.stage === 'output'
              ? { failure: 'The output was flagged by content moderation.', failureCode: 'SAFETY.OUTPUT.VIDEO' }
              : { failure: 'The prompt was flagged by content moderation.', failureCode: 'SAFETY.INPUT.TEXT' }),
            ...cost,
          };
        return {
          ...base,
          failure: (outcome.kind === 'fail' && outcome.message) || 'An unexpected error occurred.',
          failureCode: (outcome.kind === 'fail' && outcome.failureCode) || 'INTERNAL.BAD_OUTPUT.CODE01',
          ...cost,
        };
      default:
        return { ...base, ...cost };
    }
  }

  /** Credits taken by a finished task: moderated generations cost as much as successful ones (Runway docs). */
  private charged(task: RunwayTask): number | undefined {
    if (!isTerminal(task.phase)) return undefined;
    const moderated = task.outcome.kind === 'fail' && task.outcome.moderation;
    return task.phase === 'succeeded' || (task.phase === 'failed' && moderated) ? task.cost : 0;
  }

  private live(id: string | undefined): RunwayTask | undefined {
    const task = this.store.get(id ?? '');
    return task && !task.deleted ? task : undefined;
  }

  /** Checks the key, then the API version; answers the request itself when either is wrong. */
  private async admitted({ req, res }: RouteContext): Promise<boolean> {
    const auth = header(req, 'authorization');
    const key = /^Bearer (.+)$/.exec(auth ?? '')?.[1];
    if (!key) {
      await reply(this.deps, res, 'runway', 401, { error: 'No API key provided in the Authorization header.' });
      return false;
    }
    if (key !== this.apiKey) {
      await reply(this.deps, res, 'runway', 401, { error: 'Invalid API key.' });
      return false;
    }
    const version = header(req, 'x-runway-version');
    if (version !== RUNWAY_API_VERSION) {
      const error = version
        ? `Unsupported API version "${version}" in the X-Runway-Version header.`
        : 'The X-Runway-Version header is required.';
      await reply(this.deps, res, 'runway', 400, { error, docUrl: DOC_URL });
      return false;
    }
    return true;
  }

  private notFound(res: ServerResponse): Promise<void> {
    return reply(this.deps, res, 'runway', 404, { error: 'Could not find Task' });
  }
}

function faultReply(fault: Exclude<CreateFault, SpoiledCreateFault>): [number, unknown, Record<string, string>?] {
  switch (fault.kind) {
    case 'create_5xx':
      return [fault.status, { error: 'An unexpected error occurred.' }];
    case 'create_4xx':
      return [fault.status, fault.body ?? { error: 'Bad request.', docUrl: DOC_URL }];
    case 'rate_limit':
      return [
        429,
        { error: dailyCapMessage },
        fault.retryAfterSec === undefined ? {} : { 'retry-after': `${fault.retryAfterSec}` },
      ];
    case 'auth':
      return [401, { error: 'Invalid API key.' }];
    case 'insufficient_credits':
      return [400, { error: 'You do not have enough credits to run this task.', docUrl: DOC_URL }];
  }
}
