import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '../../../dev/stack/provision';
import type { S3Server } from '../../../dev/stack/s3-server';
import { startStack } from '../../../dev/stack/stack';
import { startTemporalDevServer, type TemporalDevServer } from '../../../dev/stack/temporal-dev-server';
import { allSearchAttributeKeys } from '../../../src/contract/search-attributes';
import type { ChaosStack } from './chaos-stack';
import { restartS3Server } from './s3-restart';

/** The runner's own stack, persistent on disk so its Temporal server and its S3 server can each die and come back. */
export class RestartableStack implements ChaosStack {
  private constructor(
    readonly dataDir: string,
    private temporal: TemporalDevServer,
    private s3Server: S3Server,
  ) {}

  static async start(): Promise<RestartableStack> {
    const dataDir = await mkdtemp(join(tmpdir(), 'scene-video-chaos-'));
    const stack = await startStack({ dataDir, uiPort: false, progress: () => undefined });
    return new RestartableStack(dataDir, stack.temporal, stack.s3);
  }

  get temporalAddress(): string {
    return this.temporal.address;
  }
  get namespace(): string {
    return this.temporal.namespace;
  }
  get s3(): S3Server {
    return this.s3Server;
  }

  async stopTemporal(): Promise<void> {
    await this.temporal.stop();
  }

  /** Same port, same SQLite file: workflows, timers and heartbeats survive, as on a real server restart. */
  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({
      binary: await resolveTool('temporal', () => undefined),
      namespace: this.temporal.namespace,
      dbFile: join(this.dataDir, 'temporal.sqlite'),
      port: Number(this.temporal.address.split(':').pop()),
      uiPort: false,
      searchAttributes: allSearchAttributeKeys,
      logDir: join(this.dataDir, 'logs'),
    });
  }

  async stopS3(): Promise<void> {
    await this.s3Server.stop();
  }

  async startS3(): Promise<void> {
    this.s3Server = await restartS3Server(this.s3Server, join(this.dataDir, 'logs'));
  }

  async stop(): Promise<void> {
    await Promise.all([this.temporal.stop(), this.s3Server.stop()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
