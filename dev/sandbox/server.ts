import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { EmulatorDeps } from './emulator';
import { BodyTooLargeError, type Route, parseJson, readBody, sendJson } from './core/http';
import { PiapiEmulator } from './piapi/emulator';
import { RunwayEmulator } from './runway/emulator';
import type { ScenarioInput } from './core/scenario';
import { ScenarioRuntime } from './core/scenario-runtime';
import { type SandboxStats, StatsRecorder } from './core/stats';
import { ClipLibrary } from './video/clip-library';
import { WebhookSender } from './core/webhooks';

export interface SandboxServerOptions {
  scenario: ScenarioInput;
  seed: number;
  apiKeys: { piapi: string; runway: string };
}

/** One HTTP server for both emulators plus the `/__sandbox/*` control routes. */
export class SandboxServer {
  private readonly runtime: ScenarioRuntime;
  private readonly recorder = new StatsRecorder();
  private readonly webhooks: WebhookSender;
  private readonly piapi: PiapiEmulator;
  private readonly runway: RunwayEmulator;
  private readonly routes: Route[];
  private readonly server: Server;
  private listeningOrigin = '';

  constructor(opts: SandboxServerOptions) {
    this.runtime = new ScenarioRuntime(opts.scenario, opts.seed);
    this.webhooks = new WebhookSender(this.recorder, this.runtime);
    const deps: EmulatorDeps = {
      runtime: this.runtime,
      stats: this.recorder,
      clips: new ClipLibrary(),
      webhooks: this.webhooks,
      origin: () => this.listeningOrigin,
    };
    this.piapi = new PiapiEmulator(deps, opts.apiKeys.piapi);
    this.runway = new RunwayEmulator(deps, opts.apiKeys.runway);
    this.routes = [...this.piapi.routes(), ...this.runway.routes()];
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get origin(): string {
    return this.listeningOrigin;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    // A wildcard bind is reachable on loopback; output URLs must name a host a client can dial.
    const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    this.listeningOrigin = `http://${dialHost.includes(':') ? `[${dialHost}]` : dialHost}:${address.port}`;
  }

  /** Throws a ZodError, keeping the current scenario, when `input` is invalid. */
  setScenario(input: ScenarioInput): void {
    this.runtime.set(input);
    this.rebalance();
  }

  patchScenario(input: Partial<ScenarioInput>): void {
    this.runtime.patch(input);
    this.rebalance();
  }

  stats(): SandboxStats {
    const tasks = [...this.piapi.records(), ...this.runway.records()].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    const tasksCreated: Record<string, number> = {};
    for (const t of tasks) tasksCreated[`${t.api}:${t.model}`] = (tasksCreated[`${t.api}:${t.model}`] ?? 0) + 1;
    return {
      ...this.recorder.snapshot(),
      tasksCreated,
      tasks,
      maxConcurrentProcessing: { ...this.piapi.store.peakInFlight(), ...this.runway.store.peakInFlight() },
    };
  }

  reset(): void {
    this.piapi.store.clear();
    this.runway.store.clear();
    this.recorder.reset();
    this.webhooks.reset();
    this.runtime.restart();
  }

  async close(): Promise<void> {
    this.reset();
    this.webhooks.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private rebalance(): void {
    this.piapi.store.rebalance();
    this.runway.store.rebalance();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    try {
      if (url.pathname.startsWith('/__sandbox/')) return await this.control(req, res, url.pathname);
      const matching = this.routes.filter((r) => r.path.test(url.pathname));
      const route = matching.find((r) => r.method === req.method);
      res.once('close', () =>
        this.recorder.request(route?.label ?? `${req.method} (unmatched)`, res.headersSent ? res.statusCode : 0),
      );
      if (!route) {
        if (matching.length === 0) return sendJson(res, 404, { error: 'Not found' });
        return sendJson(res, 405, { error: 'Method not allowed' }, { allow: matching.map((r) => r.method).join(', ') });
      }
      const params = (route.path.exec(url.pathname) ?? []).slice(1);
      await route.handle({ req, res, url, params });
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: err.message });
      console.error('sandbox: unexpected error', err);
      sendJson(res, 500, { error: 'sandbox internal error' });
    }
  }

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const action = `${req.method} ${path}`;
    if (action === 'GET /__sandbox/stats') return sendJson(res, 200, this.stats());
    if (action === 'POST /__sandbox/reset') {
      this.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'PUT /__sandbox/scenario') {
      try {
        this.setScenario(parseJson(await readBody(req)) as ScenarioInput);
      } catch (err) {
        if (!(err instanceof z.ZodError)) throw err;
        return sendJson(res, 400, { error: 'invalid scenario', issues: err.issues });
      }
      return sendJson(res, 200, { ok: true, scenario: this.runtime.scenario });
    }
    return sendJson(res, 404, { error: 'Not found' });
  }
}
