import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, freePortInRange, portAcceptsConnections, waitUntil } from '../stack/free-port';
import { startManaged, type ManagedProcess } from '../stack/managed-process';
import type { Postgres } from './postgres';

const run = promisify(execFile);

const databases = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * What the server's own docs prescribe for PostgreSQL: each database created, set up at version 0.0, then brought to
 * the module's latest by its versioned folder. The password goes by SQL_PASSWORD, never on a command line.
 */
export async function setupSchemas(sqlTool: string, schemaDir: string, pg: Postgres, logDir: string): Promise<void> {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
  const log = join(logDir, 'temporal-sql-tool.log');
  for (const [schema, database] of Object.entries(databases)) {
    const steps = [
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', join(schemaDir, schema, 'versioned')],
    ];
    for (const step of steps) {
      try {
        const { stdout, stderr } = await run(sqlTool, ['--db', database, ...step], {
          env,
          maxBuffer: 16 * 1024 * 1024,
        });
        appendFileSync(log, stdout + stderr);
      } catch (err) {
        const { stderr = '', stdout = '' } = err as { stderr?: string; stdout?: string };
        appendFileSync(log, stdout + stderr);
        throw new Error(`temporal-sql-tool --db ${database} ${step.join(' ')} failed; see ${log}`);
      }
    }
  }
}

export interface TemporalServerOptions {
  binary: string;
  /** Holds config/ (the server's configuration) and nothing else. */
  dir: string;
  logDir: string;
  pg: Postgres;
  namespace: string;
  readyDeadlineMs?: number;
}

export interface TemporalServer {
  address: string;
  namespace: string;
  metricsUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * One server process running all four services (frontend, history, matching, worker) on SQL persistence, configured
 * as the module's config/development-postgres12.yaml with free ports. Resolves once `namespace` is registered and
 * answers visibility queries.
 */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  const ports = {
    frontend: await freePort(),
    frontendHttp: await freePort(),
    history: await freePort(),
    matching: await freePort(),
    worker: await freePort(),
    metrics: await freePort(),
  };
  // Membership rows store the port in a smallint: above 32767 the services cannot join the ring and the server exits.
  const membership = [] as number[];
  while (membership.length < 4) {
    const port = await freePortInRange(20_000, 32_767);
    if (!membership.includes(port)) membership.push(port);
  }
  const configDir = join(opts.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'cluster.yaml'), serverConfig(opts.pg, ports, membership), { mode: 0o600 });

  const logFile = join(opts.logDir, 'temporal-server.log');
  const proc = startManaged({
    name: 'temporal-server',
    command: opts.binary,
    args: ['--root', opts.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    logFile,
  });
  const address = `127.0.0.1:${ports.frontend}`;
  const deadline = opts.readyDeadlineMs ?? 120_000;
  try {
    await waitUntil('Temporal server', () => portAcceptsConnections(ports.frontend), deadline, proc.exited);
    await waitUntil('namespace registration', () => registerNamespace(address, opts.namespace), deadline, proc.exited);
    await waitUntil('namespace visibility', () => visibilityAnswers(address, opts.namespace), deadline, proc.exited);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}; see ${logFile}`);
  }
  return {
    address,
    namespace: opts.namespace,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    process: proc,
    stop: () => proc.stop(),
  };
}

function serverConfig(
  pg: Postgres,
  ports: { frontend: number; frontendHttp: number; history: number; matching: number; worker: number; metrics: number },
  membership: number[],
): string {
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${pg.host}:${pg.port}"
        connectProtocol: tcp
        user: ${pg.user}
        password: ${JSON.stringify(pg.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, member: number, extra = '') =>
    `    rpc: { grpcPort: ${grpc}, membershipPort: ${member}, bindOnLocalHost: true${extra} }`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
${store(databases.temporal, 20)}
    visibility:
${store(databases.visibility, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:${ports.metrics}
services:
  frontend:
${service(ports.frontend, membership[0]!, `, httpPort: ${ports.frontendHttp}`)}
  history:
${service(ports.history, membership[1]!)}
  matching:
${service(ports.matching, membership[2]!)}
  worker:
${service(ports.worker, membership[3]!)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontend}
dcRedirectionPolicy:
  policy: noop
`;
}

async function withConnection<T>(address: string, use: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

/** Registers the namespace (1 day retention); true once it exists, also when an earlier try already made it. */
async function registerNamespace(address: string, namespace: string): Promise<boolean> {
  try {
    return await withConnection(address, async (c) => {
      await c.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      return true;
    });
  } catch (err) {
    return /already exists/i.test((err as Error).message);
  }
}

/** The namespace is in the frontend's registry and its visibility store answers: workflows can start and be listed. */
async function visibilityAnswers(address: string, namespace: string): Promise<boolean> {
  try {
    return await withConnection(address, async (c) => {
      await c.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return true;
    });
  } catch {
    return false;
  }
}

const namespaceRegistryRefreshMs = 2_000;

/**
 * Waits until the frontend accepts a visibility query naming every one of `names`, then one namespace-registry refresh
 * more. On SQL visibility, added search attributes are aliases in the namespace's config, which each service reads
 * from its own registry, refreshed every `system.namespaceCacheRefreshInterval` (2 s by default): a start carrying
 * them in that window is refused with INVALID_ARGUMENT, and a workflow task upserting them fails.
 */
export async function waitForSearchAttributes(
  connection: Connection,
  namespace: string,
  names: string[],
  deadlineMs = 30_000,
): Promise<void> {
  const query = names.map((name) => `${name} IS NOT NULL`).join(' AND ');
  await waitUntil(
    `search attributes ${names.join(', ')} in namespace ${namespace}`,
    async () => {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace, query });
        return true;
      } catch {
        return false;
      }
    },
    deadlineMs,
  );
  await new Promise((r) => setTimeout(r, namespaceRegistryRefreshMs));
}
