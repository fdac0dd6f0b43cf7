/**
 * Renders the clips the provider sandbox serves as generated videos (dev/sandbox/video/clip-render.ts says what they
 * show and why) into assets/sandbox/clips/: every provider family × aspect × committed duration. Needs ffmpeg and
 * Debian's fonts-dejavu-core (`apt-get install -y ffmpeg fonts-dejavu-core`); CI does not, the clips are committed.
 *
 *   npm run sandbox:clips              render the committed set, replacing every file in the folder
 *   npm run sandbox:clips -- --check   render into a temporary folder and compare byte for byte with the committed set
 *
 * The output is byte-identical between runs with the same ffmpeg and font, so regenerating does not churn the
 * repository; `--check` proves it.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  committedAspects,
  committedClipPath,
  committedClipsDir,
  committedSeconds,
} from '../dev/sandbox/video/clip-library';
import { type ClipFamily, clipFamilies, renderClip } from '../dev/sandbox/video/clip-render';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args[0] === '--check';
  if (args.length > (check ? 1 : 0)) throw new Error(`unknown arguments ${args.join(' ')}: pass nothing or --check`);
  const outDir = check ? await mkdtemp(path.join(tmpdir(), 'sandbox-clips-check-')) : committedClipsDir;
  if (!check) for (const name of await readdir(outDir)) await rm(path.join(outDir, name));

  const clips = (Object.keys(clipFamilies) as ClipFamily[]).flatMap((family) =>
    committedAspects.flatMap((aspect) => committedSeconds.map((seconds) => ({ family, aspect, seconds }))),
  );
  let totalBytes = 0;
  const differing: string[] = [];
  for (const [i, { family, aspect, seconds }] of clips.entries()) {
    const name = path.basename(committedClipPath(family, aspect, seconds));
    const out = path.join(outDir, name);
    await renderClip(out, { family, model: clipFamilies[family].model, aspect, seconds });
    const bytes = (await stat(out)).size;
    totalBytes += bytes;
    const same =
      check &&
      (await readFile(out)).equals(
        await readFile(committedClipPath(family, aspect, seconds)).catch(() => Buffer.alloc(0)),
      );
    if (check && !same) differing.push(name);
    console.log(`${i + 1}/${clips.length} ${name} ${bytes} B${check ? (same ? ' identical' : ' DIFFERS') : ''}`);
  }
  console.log(`${clips.length} clips, ${totalBytes} B in ${outDir}`);
  if (check) {
    await rm(outDir, { recursive: true });
    if (differing.length > 0) {
      console.error(
        `${differing.length} clips differ from the committed ones: run npm run sandbox:clips and commit them`,
      );
      process.exitCode = 1;
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
