import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<ManagedProcess>();
let exitHooksInstalled = false;

/** On a signal or normal exit, stop every server this process started; nothing survives its parent. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export async function stopAllManaged(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/**
 * A detached shell watchdog that stops process `pid` (SIGTERM, SIGKILL 5 s later) if this Node process dies without
 * cleaning up (SIGKILL, crash), which Node's own exit hooks cannot cover. Returns what ends the watchdog.
 */
export function killWithParent(pid: number): () => void {
  return shellWatchdog(
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -TERM ${pid} 2>/dev/null; sleep 5; kill -KILL ${pid} 2>/dev/null; true`,
  );
}

/**
 * A detached shell watchdog that removes `path` once this Node process has died without cleaning up (SIGKILL, crash,
 * or a signal tsx escalates to SIGKILL), `graceSec` later: by default after the `killWithParent` watchdogs (1 s poll,
 * 5 s grace) ended the servers writing there. Returns what ends the watchdog, for a normal cleanup.
 */
export function removeWithParent(path: string, graceSec = 8): () => void {
  return shellWatchdog(
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; sleep ${graceSec}; rm -rf -- "$0"`,
    [path],
  );
}

/** A detached `sh -c script` that outlives this process; returns what ends it (a no-op once it has ended itself). */
function shellWatchdog(script: string, args: string[] = []): () => void {
  const watchdog = spawn('sh', ['-c', script, ...args], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return () => {
    try {
      if (watchdog.pid !== undefined) process.kill(watchdog.pid, 'SIGKILL');
    } catch {
      // already ended
    }
  };
}

/** Starts a long-lived server that never outlives this process (`killWithParent`). */
export function startManaged(opts: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** What `stop` sends first; SIGTERM unless the server shuts down at once only on another (PostgreSQL: SIGINT). */
  stopSignal?: NodeJS.Signals;
}): ManagedProcess {
  installExitHooks();
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${opts.name} (${opts.command})`);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid;

  const unwatch = killWithParent(pid);

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const managed: ManagedProcess = {
    name: opts.name,
    pid,
    exited,
    async stop() {
      running.delete(managed);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(opts.stopSignal ?? 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      unwatch();
      log.end();
    },
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}
