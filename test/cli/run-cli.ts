import { spawn, type ChildProcess } from 'node:child_process';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { cliFromSource } from '../../dev/harness/cli-source';
import { stackInfo } from '../helpers/stack-info';

const root = join(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess extends ChildProcess {
  stdoutText(): string;
  stderrText(): string;
  done: Promise<CliRun>;
}

/**
 * The CLI as a user runs it: its own process, configured only by the environment (not by a Temporal profile in HOME
 * unless `env` names a config file), stdout and stderr captured.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [...cliFromSource, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CONFIG_FILE: devNull, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { stdoutText: () => stdout, stderrText: () => stderr, done });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return spawnCli(args, env).done;
}

/** `--json` promises exactly one document on stdout; JSON.parse of all of stdout checks exactly that. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonOf(run: CliRun): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

export interface CliScene {
  sceneId: string;
  sceneType: string;
  prompt: string;
  projectId?: string;
}

/** `generate` flags for one 5 s, 16:9 scene polled every 200 ms; `extra` comes last, so its flags win. */
export function generateFlags(scene: CliScene, extra: string[] = []): string[] {
  return [
    ...(scene.projectId === undefined ? [] : ['--project', scene.projectId]),
    ...['--scene-id', scene.sceneId, '--scene-type', scene.sceneType, '--prompt', scene.prompt],
    ...['--duration', '5', '--aspect', '16:9', '--poll-interval-ms', '200'],
    ...extra,
  ];
}

/** Points the CLI at the test stack's Temporal and at the given task queue. */
export function stackEnv(taskQueue: string): NodeJS.ProcessEnv {
  const stack = stackInfo();
  return {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
  };
}
