import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The repository root: what `npm pack` packs. */
export const repoRoot = join(__dirname, '..', '..');
const fixtures = join(__dirname, 'fixtures');

export interface CommandRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Prints a progress line, so a person watching the run sees which slow step it is in. */
export function progress(line: string): void {
  console.log(`[package] ${line}`);
}

export async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  progress(`${label}…`);
  const started = performance.now();
  const result = await step();
  progress(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/**
 * Runs a command to its end with exactly `env`. With `echo`, each output line is printed as it arrives (npm's build
 * and install steps take tens of seconds).
 */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; echo?: string },
): Promise<CommandRun> {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const echo = (d: Buffer) => {
    if (opts.echo === undefined) return;
    for (const line of d.toString().split('\n')) if (line.trim() !== '') progress(`${opts.echo}: ${line}`);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    echo(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    echo(d);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function failure(what: string, run: CommandRun): string {
  return `${what} exited ${run.code ?? run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/**
 * npm's environment without the npm_* variables an outer `npx vitest` sets (its command, its prefix, its package):
 * they would make the inner npm act on the outer invocation's settings. Config files (~/.npmrc) still apply.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

/** `npm pack` of the repository (its prepack builds dist/); returns the tarball's path. */
export async function packRepository(destination: string): Promise<string> {
  // --json: what release tooling reads; the prepack build must keep its progress off stdout for it to stay JSON.
  const run = await runCommand('npm', ['pack', '--json', '--pack-destination', destination, '--loglevel', 'warn'], {
    cwd: repoRoot,
    env: npmEnv(),
    echo: 'npm pack',
  });
  if (run.code !== 0) throw new Error(failure('npm pack', run));
  const [packed] = JSON.parse(run.stdout) as { filename: string }[];
  const tarball = join(destination, packed?.filename ?? '');
  if (!packed?.filename.endsWith('.tgz') || !existsSync(tarball))
    throw new Error(`npm pack made no tarball:\n${run.stdout}`);
  return tarball;
}

/** The paths inside a tarball, relative to its `package/` folder. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const run = await runCommand('tar', ['-tzf', tarball], { cwd: tmpdir(), env: { PATH: process.env.PATH } });
  if (run.code !== 0) throw new Error(failure('tar -tzf', run));
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

/**
 * A fresh project in the system temp folder, outside the repository, as `npm init -y` makes one, with the consumer
 * fixtures copied in and the tarball installed as its only dependency.
 */
export async function createConsumerProject(tarball: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'svw-consumer-'));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'svw-consumer', version: '1.0.0', private: true, license: 'UNLICENSED' }, null, 2)}\n`,
  );
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(dir, file));
  const run = await runCommand('npm', ['install', tarball, '--no-audit', '--no-fund'], {
    cwd: dir,
    env: npmEnv(),
    echo: 'npm install',
  });
  if (run.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(failure(`npm install ${basename(tarball)}`, run));
  }
  return dir;
}

/** Every package name installed under `dir/node_modules`, nested copies included. */
export function installedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@');
      for (const name of scoped ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry]) {
        const path = join(modules, name);
        if (!statSync(path).isDirectory()) continue;
        names.add(name);
        walk(join(path, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return names;
}
