import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from '../core/http';
import { paddedMp4 } from './mp4-padding';
import type { ScenarioRuntime } from '../core/scenario-runtime';
import type { StatsRecorder } from '../core/stats';
import type { SandboxTask } from '../core/task-store';
import { sleep } from '../core/time';
import type { ClipLibrary } from './clip-library';

/** The task whose output is served: its model's download faults, its clip's look and shape, its download counters. */
export type VideoTarget = Pick<SandboxTask<unknown>, 'id' | 'key' | 'api' | 'model' | 'aspect' | 'durationSec'>;

export interface VideoServingDeps {
  runtime: ScenarioRuntime;
  stats: StatsRecorder;
  clips: ClipLibrary;
}

/** Serves a task's output like a CDN: GET and HEAD, single byte ranges, and the scenario's download faults. */
export async function serveVideo(
  req: IncomingMessage,
  res: ServerResponse,
  target: VideoTarget,
  deps: VideoServingDeps,
): Promise<void> {
  const behaviour = deps.runtime.behaviour(target.key);
  await sleep(behaviour.latencyMs);
  const head = req.method === 'HEAD';
  const fault = head
    ? undefined
    : deps.runtime.draw(behaviour.faults, ['download_404', 'download_5xx', 'download_truncated', 'download_slow']);
  if (fault?.kind === 'download_404') return sendText(res, 404, 'Not Found');
  if (fault?.kind === 'download_5xx') return sendText(res, fault.status, 'Service Unavailable');

  const clip = await deps.clips.get(target, target.aspect, target.durationSec);
  const file = paddedMp4(clip, deps.runtime.scenario.videoBytes);
  const range = parseRange(req.headers.range, file.size);
  if (range === 'unsatisfiable')
    return sendText(res, 416, 'Range Not Satisfiable', { 'content-range': `bytes */${file.size}` });
  const [start, end] = range ?? [0, file.size - 1];
  res.writeHead(range ? 206 : 200, {
    'content-type': 'video/mp4',
    'content-length': `${end - start + 1}`,
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  });
  if (head) {
    res.end();
    return;
  }

  const download = deps.stats.download(target.id);
  const cutAt = fault?.kind === 'download_truncated' ? Math.floor((end - start + 1) * fault.fraction) : Infinity;
  // Slow downloads trickle in tenths of a second's worth, not in bursts of whole chunks.
  const piece = fault?.kind === 'download_slow' ? Math.max(1, Math.floor(fault.bytesPerSec / 10)) : Infinity;
  let sent = 0;
  for await (const chunk of file.read(start, end)) {
    for (let at = 0; at < chunk.length;) {
      const part = chunk.subarray(at, at + Math.min(piece, cutAt - sent));
      if (!(await write(res, part))) return;
      download.addBytes(part.length);
      sent += part.length;
      at += part.length;
      if (sent >= cutAt) {
        // Content-Length promised more: the client must notice the short body.
        res.destroy();
        return;
      }
      if (fault?.kind === 'download_slow') await sleep((part.length / fault.bytesPerSec) * 1000);
    }
  }
  res.end();
}

/** Resolves false when the client went away. */
async function write(res: ServerResponse, data: Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  return new Promise((resolve) => {
    const done = (err?: Error | null) => {
      res.off('close', gone);
      resolve(!err && !res.destroyed);
    };
    const gone = () => resolve(false);
    res.once('close', gone);
    // The callback fires once the data is handed to the socket, which also paces us to the client's speed.
    res.write(data, done);
  });
}

/** A single `bytes=` range; several ranges or a malformed header are ignored (a full 200), as RFC 9110 allows. */
function parseRange(value: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : [start, end];
}
