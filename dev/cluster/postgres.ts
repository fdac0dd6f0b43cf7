import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntil } from '../stack/free-port';
import { startManaged, type ManagedProcess } from '../stack/managed-process';

const run = promisify(execFile);

export interface PostgresOptions {
  /** Created, and owned by the server's OS user; holds the data directory. The caller removes it. */
  dir: string;
  logDir: string;
  readyDeadlineMs?: number;
}

export interface Postgres {
  host: string;
  port: number;
  /** The superuser initdb created; the Temporal server and its schema tool log in as it. */
  user: string;
  /** Random per cluster; only ever passed through files and environment variables, never argv. */
  password: string;
  version: string;
  process: ManagedProcess;
  /**
   * A fast shutdown (SIGINT: open transactions roll back, clients are disconnected) and a start on the same data and
   * port, which is what `pg_ctl restart -m fast` does. Resolves with the time the server was unreachable, in ms.
   */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** PostgreSQL's programs: PG_BIN_DIR, else the newest Debian /usr/lib/postgresql/<major>/bin, else the PATH. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) {
    if (!existsSync(join(process.env.PG_BIN_DIR, 'postgres')))
      throw new Error(`PG_BIN_DIR=${process.env.PG_BIN_DIR} holds no postgres binary. Unset it or fix it.`);
    return process.env.PG_BIN_DIR;
  }
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const majors = readdirSync(debian)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(debian, majors[0], 'bin');
}

/**
 * PostgreSQL refuses to run as root. As root (CI containers, this project's machines), its programs run through
 * `setpriv` as the `postgres` user Debian's package creates, or as `nobody`; otherwise as the current user.
 */
function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('Running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as.');
}

function asUser(user: OsUser | undefined, command: string, args: string[]): [string, string[]] {
  if (!user) return [command, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', command, ...args]];
}

/**
 * A throwaway PostgreSQL cluster on loopback: initdb in `dir`, a free port, password authentication, no Unix socket.
 * The server runs in the foreground under this process (`startManaged`), so it dies with it.
 */
export async function startPostgres(opts: PostgresOptions): Promise<Postgres> {
  const bin = postgresBinDir();
  const binary = (name: string) => (bin ? join(bin, name) : name);
  const versionOut = spawnSync(binary('postgres'), ['--version'], { encoding: 'utf8' });
  if (versionOut.status !== 0)
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/<major>/bin and no postgres on PATH). Install it ' +
        '(Debian: apt-get install postgresql), or set PG_BIN_DIR to the folder holding initdb and postgres.',
    );
  const version = versionOut.stdout.trim();
  const user = serverUser();
  mkdirSync(opts.dir, { recursive: true });
  if (user) chownSync(opts.dir, user.uid, user.gid);
  const [testCmd, testArgs] = asUser(user, 'test', ['-w', opts.dir]);
  if (spawnSync(testCmd, testArgs).status !== 0)
    throw new Error(
      `PostgreSQL runs as ${user?.name ?? 'this user'} and cannot write ${opts.dir}: a folder above it is not ` +
        'traversable by that user (chmod o+x it), or setpriv is missing (util-linux).',
    );

  const data = join(opts.dir, 'data');
  const password = randomBytes(18).toString('hex');
  const pwfile = join(opts.dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  const [initCmd, initArgs] = asUser(user, binary('initdb'), [
    '--pgdata',
    data,
    '--username',
    'temporal',
    '--auth',
    'scram-sha-256',
    `--pwfile=${pwfile}`,
    '--encoding',
    'UTF8',
    '--locale',
    'C',
    '--no-instructions',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  rmSync(pwfile, { force: true });
  if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}): ${init.stderr.trim().slice(-800)}`);

  const port = await freePort();
  const [command, args] = asUser(user, binary('postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    // Each Temporal service keeps its own pools (20 + 10 connections in our config, four services in one process).
    '-c',
    'max_connections=200',
  ]);
  const logFile = join(opts.logDir, 'postgres.log');
  const start = async (): Promise<ManagedProcess> => {
    const proc = startManaged({ name: 'postgres', command, args, logFile, stopSignal: 'SIGINT' });
    try {
      await waitUntil(
        'PostgreSQL',
        () => accepting(binary('pg_isready'), port),
        opts.readyDeadlineMs ?? 60_000,
        proc.exited,
      );
    } catch (err) {
      await proc.stop();
      throw new Error(`${(err as Error).message}; see ${logFile}`);
    }
    return proc;
  };

  let proc = await start();
  const pg: Postgres = {
    host: '127.0.0.1',
    port,
    user: 'temporal',
    password,
    version,
    get process() {
      return proc;
    },
    async restart() {
      const down = Date.now();
      await proc.stop();
      proc = await start();
      return Date.now() - down;
    },
    stop: () => proc.stop(),
  };
  return pg;
}

async function accepting(pgIsReady: string, port: number): Promise<boolean> {
  try {
    await run(pgIsReady, ['--host', '127.0.0.1', '--port', String(port), '--timeout', '1', '--dbname', 'postgres']);
    return true;
  } catch {
    return false;
  }
}
