import { Connection } from '@temporalio/client';
import { join } from 'node:path';
import type { SceneVideoSearchAttributeKey } from '../../src/contract/search-attributes';
import { searchAttributeTypeNames } from '../../src/domain/search-attribute-setup';
import { freePort, portAcceptsConnections, waitUntil } from './free-port';
import { startManaged, type ManagedProcess } from './managed-process';

export interface TemporalDevServerOptions {
  binary: string;
  namespace: string;
  /** More namespaces created at start (without `searchAttributes`), e.g. for a test that needs one to itself. */
  moreNamespaces?: readonly string[];
  /** SQLite file for persistence across restarts; in-memory when absent. */
  dbFile?: string;
  port?: number;
  /** Web UI port; `false` runs headless. */
  uiPort?: number | false;
  /** Port of the server's Prometheus `/metrics`; a free one when absent. */
  metricsPort?: number;
  /** Registered on `namespace` at start; none leaves them to be added at run time (`scene-video setup`). */
  searchAttributes: readonly SceneVideoSearchAttributeKey[];
  logDir: string;
  readyDeadlineMs?: number;
}

export interface TemporalDevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** The server's Prometheus metrics: requests and persistence operations by type. */
  metricsUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  /**
   * Once stopped: the server again on the same ports and database file, so with a `dbFile` workflows, timers and
   * heartbeats survive, as on a real server restart.
   */
  startAgain(): Promise<TemporalDevServer>;
}

/** `Name=Type` as the Temporal CLI spells it (`--search-attribute`), and compose.yaml's namespace step takes it. */
export function cliSearchAttribute(key: SceneVideoSearchAttributeKey): string {
  return `${key.name}=${searchAttributeTypeNames[key.type]}`;
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  const uiPort = opts.uiPort === undefined ? await freePort() : opts.uiPort;
  const metricsPort = opts.metricsPort ?? (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    '--metrics-port',
    String(metricsPort),
  ];
  args.push(...(uiPort === false ? ['--headless'] : ['--ui-port', String(uiPort)]));
  for (const namespace of opts.moreNamespaces ?? []) args.push('--namespace', namespace);
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const key of opts.searchAttributes) args.push('--search-attribute', cliSearchAttribute(key));
  // Scene ids become part of workflow ids; the default 1000-char limit is fine, but keep server checks explicit.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  // The CLI turns the search-attribute cache off so attributes added at runtime show at once; every upsert, start and
  // visibility write then reads the cluster metadata from SQLite (21 reads per scene). When ours exist before the
  // server serves (created with the namespace), the cache is never stale, as in a production server; without them
  // they are added while it serves, and must show at once.
  if (opts.searchAttributes.length > 0) {
    args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false');
  }
  // Worker Deployments (Worker Versioning) need no value here: server 1.29 has them on by default, as
  // test/workflows/worker-versioning.test.ts shows.

  const proc = startManaged({
    name: 'temporal',
    command: opts.binary,
    args,
    logFile: join(opts.logDir, 'temporal.log'),
  });
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntil(
      'Temporal dev server',
      () => portAcceptsConnections(port),
      opts.readyDeadlineMs ?? 120_000,
      proc.exited,
    );
    await waitUntil(
      'Temporal namespace',
      () => namespaceReady(address, opts.namespace),
      opts.readyDeadlineMs ?? 120_000,
      proc.exited,
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}; see ${join(opts.logDir, 'temporal.log')}`);
  }
  return {
    address,
    namespace: opts.namespace,
    uiUrl: uiPort === false ? undefined : `http://127.0.0.1:${uiPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    process: proc,
    stop: () => proc.stop(),
    startAgain: () => startTemporalDevServer({ ...opts, port, uiPort, metricsPort }),
  };
}

async function namespaceReady(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}
