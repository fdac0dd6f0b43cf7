import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeWithParent } from '../stack/managed-process';
import type { Progress } from '../stack/provision';
import { startPostgres, type Postgres } from './postgres';
import { setupSchemas, startTemporalServer, type TemporalServer } from './temporal-server';
import type { ClusterTools } from './tools';
import { startUiServer, type UiServer } from './ui-server';

export interface ClusterOptions {
  tools: ClusterTools;
  /** `.data/` of the project: the cluster lives in `cluster-<pid>/` under it and is removed by `stop`. */
  dataRoot: string;
  namespace?: string;
  progress: Progress;
}

export interface Cluster {
  dir: string;
  postgres: Postgres;
  temporal: TemporalServer;
  ui: UiServer;
  /** Stops the UI, the server and PostgreSQL, and removes the folder; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * A real Temporal deployment in miniature: PostgreSQL in a folder of the project's, the schemas set up by the SQL tool,
 * one server process running every service, the namespace registered, and the Web UI.
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  removeAbandonedClusters(opts.dataRoot, opts.progress);
  const dir = join(opts.dataRoot, `cluster-${process.pid}`);
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const unwatch = removeWithParent(dir);
  const namespace = opts.namespace ?? 'default';
  const running: { stop(): Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // The reverse of the start: the UI and the server first, so PostgreSQL's fast shutdown has no clients left.
      for (const p of running.reverse()) await p.stop();
      rmSync(dir, { recursive: true, force: true });
      unwatch();
    })());

  try {
    const step = async <T>(label: string, start: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      const result = await start();
      opts.progress(`${label} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return result;
    };
    const postgres = await step('PostgreSQL started', () => startPostgres({ dir: join(dir, 'pg'), logDir }));
    running.push(postgres);
    opts.progress(`  ${postgres.version} on ${postgres.host}:${postgres.port}, data in ${join(dir, 'pg')}`);
    await step('schemas temporal and temporal_visibility set up', () =>
      setupSchemas(opts.tools.sqlTool, opts.tools.schemaDir, postgres, logDir),
    );
    const temporal = await step(`Temporal server serving with namespace "${namespace}"`, () =>
      startTemporalServer({ binary: opts.tools.server, dir: join(dir, 'temporal'), logDir, pg: postgres, namespace }),
    );
    running.push(temporal);
    const ui = await step('Web UI server started', () =>
      startUiServer({
        binary: opts.tools.uiServer,
        dir: join(dir, 'ui'),
        logDir,
        temporalAddress: temporal.address,
        namespace,
      }),
    );
    running.push(ui);
    opts.progress(`  Temporal ${temporal.address}, Web UI ${ui.url}, logs in ${logDir}`);
    return { dir, postgres, temporal, ui, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Folders of runs whose process and watchdog are both gone (e.g. a reboot mid-run): nothing else will remove them. */
export function removeAbandonedClusters(dataRoot: string, progress: Progress): void {
  if (!existsSync(dataRoot)) return;
  for (const name of readdirSync(dataRoot)) {
    const pid = /^cluster-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    progress(`removing ${join(dataRoot, name)}, left by process ${pid}, which is gone`);
    rmSync(join(dataRoot, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
