import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, portAcceptsConnections, waitUntil } from '../stack/free-port';
import { startManaged, type ManagedProcess } from '../stack/managed-process';

export interface UiServerOptions {
  binary: string;
  /** Holds config/ and nothing else. */
  dir: string;
  logDir: string;
  temporalAddress: string;
  namespace: string;
  readyDeadlineMs?: number;
}

export interface UiServer {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Temporal's Web UI server on loopback, pointed at the cluster's frontend. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const port = await freePort();
  const configDir = join(opts.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'cluster.yaml'),
    `temporalGrpcAddress: ${opts.temporalAddress}
host: 127.0.0.1
port: ${port}
enableUi: true
defaultNamespace: ${opts.namespace}
notifyOnNewVersion: false
`,
  );
  const logFile = join(opts.logDir, 'temporal-ui-server.log');
  const proc = startManaged({
    name: 'temporal-ui-server',
    command: opts.binary,
    args: ['--root', opts.dir, '--config', 'config', '--env', 'cluster', 'start'],
    logFile,
  });
  try {
    await waitUntil(
      'Temporal Web UI server',
      () => portAcceptsConnections(port),
      opts.readyDeadlineMs ?? 60_000,
      proc.exited,
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}; see ${logFile}`);
  }
  return { url: `http://127.0.0.1:${port}`, process: proc, stop: () => proc.stop() };
}
