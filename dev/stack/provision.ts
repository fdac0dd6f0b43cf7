import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { tools, type DebToolSpec, type GoToolSpec, type ToolSpec } from './tool-versions';

export type ToolName = keyof typeof tools;
export type Progress = (line: string) => void;

const defaultProgress: Progress = (line) => process.stderr.write(`[provision] ${line}\n`);

/** Per-user, outside the repo, keyed by version so an upgrade never reuses a stale build. */
export function toolCacheDir(spec: ToolSpec): string {
  const base =
    process.env.SCENE_VIDEO_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scene-video-worker');
  return join(base, 'tools', `${spec.name}-${spec.version}`);
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Finds or builds a pinned tool: explicit env var, then PATH, then the per-user cache, then a Go build into that cache
 * (`go install`, or `go build` inside the module for `goModule` tools), then (Temporal only, no Go) the SDK's own CLI
 * download. A Debian-packaged tool is extracted from its package into the cache instead of built.
 */
export async function resolveTool(name: ToolName, progress: Progress = defaultProgress): Promise<string> {
  const spec: ToolSpec = tools[name];
  const explicit = process.env[spec.envVar];
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`${spec.envVar}=${explicit} does not exist. Unset it or point it at the ${spec.name} binary.`);
    return explicit;
  }
  const fromPath = onPath(spec.name);
  if (fromPath) return fromPath;

  const cacheDir = toolCacheDir(spec);
  const cached = join(cacheDir, spec.name);
  if (existsSync(cached)) return cached;

  if ('deb' in spec) return debExtract(spec, cacheDir, progress);
  if (hasGo()) return goBuild(spec, cacheDir, progress);
  if (name === 'temporal') return sdkDownload(spec, cacheDir, progress);
  throw new Error(
    `${spec.name} ${spec.version} not found and Go is not installed. Install Go (https://go.dev/dl) and run ` +
      `\`npm run provision\`, or set ${spec.envVar} to an existing ${spec.name} binary.`,
  );
}

async function goBuild(spec: GoToolSpec, cacheDir: string, progress: Progress): Promise<string> {
  const staging = `${cacheDir}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  progress(
    `building ${spec.name} ${spec.version} with go into ${cacheDir} (first build takes several minutes; later runs reuse it)`,
  );
  const started = Date.now();
  try {
    if (spec.goModule) {
      const { Dir } = JSON.parse(
        await runCommand(
          spec,
          'go',
          ['mod', 'download', '-json', `${spec.goModule.path}@${spec.version}`],
          {},
          progress,
        ),
      ) as { Dir: string };
      const ldflags = `-X ${spec.goModule.versionVariable}=${spec.version}`;
      const pkg = `.${spec.goPackage.slice(spec.goModule.path.length)}`;
      // The module cache is read-only and its go.sum complete: -mod=readonly never tries to rewrite them.
      const args = ['build', '-mod=readonly', '-trimpath', `-ldflags=${ldflags}`, '-o', join(staging, spec.name), pkg];
      await runCommand(spec, 'go', args, { cwd: Dir }, progress);
    } else {
      const env = { GOBIN: staging, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' };
      await runCommand(spec, 'go', ['install', `${spec.goPackage}@${spec.version}`], { env }, progress);
      const installed = join(staging, spec.goBinary ?? spec.name);
      if (spec.goBinary && existsSync(installed)) renameSync(installed, join(staging, spec.name));
    }
    if (!existsSync(join(staging, spec.name))) throw new Error(`go built no ${spec.name} binary into ${staging}`);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // Rename makes the cache entry appear atomically, so a concurrent or interrupted build never leaves half a binary.
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(staging, cacheDir);
  progress(`built ${spec.name} ${spec.version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return join(cacheDir, spec.name);
}

/** Runs one command, reporting progress every 15 s; resolves with its stdout, rejects with its last stderr line. */
async function runCommand(
  spec: ToolSpec,
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv },
  progress: Progress,
): Promise<string> {
  const started = Date.now();
  let stdout = '';
  let lastLine = '';
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    lastLine = chunk.trim().split('\n').pop() ?? lastLine;
  });
  const ticker = setInterval(() => {
    progress(`  ${spec.name}: ${Math.round((Date.now() - started) / 1000)} s elapsed… ${lastLine.slice(0, 100)}`);
  }, 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(ticker);
  if (code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${code}) for ${spec.name} ${spec.version}: ${lastLine || stdout.trim()}`,
    );
  }
  return stdout;
}

/**
 * Fetches the pinned Debian package with `apt-get download` (into a temp folder, as whoever runs this: nothing is
 * installed) and keeps its binaries, unpacked by `dpkg-deb -x`, in the cache.
 */
async function debExtract(spec: DebToolSpec, cacheDir: string, progress: Progress): Promise<string> {
  const pinned = `${spec.deb.package}=${spec.deb.version}`;
  if (!onPath('apt-get') || !onPath('dpkg-deb')) {
    throw new Error(
      `${spec.name} ${spec.version} not found, and there is no apt-get and dpkg-deb to take Debian's ${pinned} ` +
        `from. Install ${spec.name} ${spec.version} or later and put it on PATH, or set ${spec.envVar} to its binary.`,
    );
  }
  const started = Date.now();
  progress(`fetching Debian's ${pinned} (apt-get download; nothing is installed system-wide) into ${cacheDir}`);
  const download = mkdtempSync(join(tmpdir(), `${spec.name}-deb-`));
  const staging = `${cacheDir}.partial-${process.pid}`;
  try {
    try {
      await runCommand(spec, 'apt-get', ['download', pinned], { cwd: download }, progress);
    } catch (err) {
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}. If apt does not know that version, \`apt-get update\` ` +
          `may fetch it; or set ${spec.envVar} to a ${spec.name} ${spec.version} or later binary.`,
      );
    }
    const deb = readdirSync(download).find((file) => file.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pinned} wrote no .deb into ${download}`);
    const unpacked = join(download, 'unpacked');
    await runCommand(spec, 'dpkg-deb', ['-x', join(download, deb), unpacked], {}, progress);
    mkdirSync(staging, { recursive: true });
    for (const binary of spec.deb.binaries) copyFileSync(join(unpacked, binary), join(staging, basename(binary)));
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(staging, cacheDir);
  progress(`extracted ${spec.name} ${spec.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return join(cacheDir, spec.name);
}

/** Another binary of a tool's package, beside the tool itself (promtool beside prometheus). */
export async function resolveCompanion(name: ToolName, binary: string, progress?: Progress): Promise<string> {
  const path = join(dirname(await resolveTool(name, progress)), binary);
  if (!existsSync(path)) throw new Error(`${binary} is not beside ${tools[name].name} in ${dirname(path)}`);
  return path;
}

async function sdkDownload(spec: ToolSpec, cacheDir: string, progress: Progress): Promise<string> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const url = `https://temporal.download/cli/default?arch=${arch}&platform=${platform}&format=tar.gz&sdk-name=sdk-typescript&sdk-version=1.24.0`;
  progress(`Go is not installed; downloading the Temporal CLI the way the SDK does (${url})`);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new Error(
      `Cannot build or download the Temporal CLI: no Go toolchain and ${url} is unreachable (${String(err)}). ` +
        `Install Go, or set ${spec.envVar} to a temporal binary.`,
    );
  }
  if (!res.ok || !res.body) throw new Error(`Temporal CLI download failed: HTTP ${res.status} from ${url}`);
  mkdirSync(cacheDir, { recursive: true });
  const tar = spawn('tar', ['-xzf', '-', '-C', cacheDir], { stdio: ['pipe', 'ignore', 'inherit'] });
  Readable.fromWeb(res.body as import('node:stream/web').ReadableStream).pipe(tar.stdin);
  const code = await new Promise<number | null>((resolve) => tar.on('close', resolve));
  if (code !== 0 || !existsSync(join(cacheDir, spec.name)))
    throw new Error(`Extracting the Temporal CLI failed (tar exit ${code})`);
  return join(cacheDir, spec.name);
}

/** Resolves the given tools (every one by default), building what is missing, in parallel. */
export async function provision<N extends ToolName>(
  names: readonly N[] = Object.keys(tools) as N[],
  progress: Progress = defaultProgress,
): Promise<Record<N, string>> {
  const paths = await Promise.all(names.map((name) => resolveTool(name, progress)));
  return Object.fromEntries(names.map((name, i) => [name, paths[i]])) as Record<N, string>;
}
