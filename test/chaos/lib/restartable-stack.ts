import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Server } from '../../../dev/stack/s3-server';
import { startStack } from '../../../dev/stack/stack';
import type { TemporalDevServer } from '../../../dev/stack/temporal-dev-server';
import type { ChaosStack } from './chaos-stack';

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

  async startTemporal(): Promise<void> {
    this.temporal = await this.temporal.startAgain();
  }

  async stopS3(): Promise<void> {
    await this.s3Server.stop();
  }

  async startS3(): Promise<void> {
    this.s3Server = await this.s3Server.startAgain();
  }

  async stop(): Promise<void> {
    await Promise.all([this.temporal.stop(), this.s3Server.stop()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
