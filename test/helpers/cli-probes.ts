import { spawn } from 'node:child_process';
import { get } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One GET with a fresh connection; the body parsed as JSON when it is JSON. */
export function getJson(url: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // left as text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 5 s`)));
    req.on('error', reject);
  });
}

export interface CliModuleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every npm package the run loaded through require, e.g. `zod`, `@temporalio/client`. */
  packages: string[];
}

const loadedMarker = 'LOADED_PACKAGES ';

// Runs the CLI module's runCli() as bin/scene-video.js does, and at exit lists the packages in require.cache.
const probe = `
const [cli, args, ...preload] = process.argv.slice(1);
process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + 'node_modules/'.length).split('/');
    names.add(parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0]);
  }
  process.stderr.write('\\n${loadedMarker}' + JSON.stringify([...names].sort()) + '\\n');
});
process.argv = [process.argv[0], cli, ...JSON.parse(args)];
require(cli).runCli();
`;

/**
 * A `scene-video` command run in its own process from `cliModule` (dist/cli/main.js, or src/cli/main.ts with
 * `--require tsx/cjs` in nodeArgs), with the npm packages it loaded: what a command costs at start.
 */
export function runCliModule(
  cliModule: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; nodeArgs?: string[] },
): Promise<CliModuleRun> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '-e', probe, cliModule, JSON.stringify(args)], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const at = stderr.lastIndexOf(loadedMarker);
      if (at < 0) return reject(new Error(`no package list from ${cliModule} ${args.join(' ')}:\n${stderr}`));
      const line = stderr.slice(at + loadedMarker.length).split('\n')[0]!;
      resolve({ code, stdout, stderr: stderr.slice(0, at).trimEnd(), packages: JSON.parse(line) as string[] });
    });
  });
}
