import { Client, Connection } from '@temporalio/client';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { startSceneVideo } from '../../../src/client';
import { openVideoDownload, UnsafeVideoUrlError } from '../../../src/activities/upload/video-download';
import { unsafeUrls, type UnsafeUrl } from '../cases/unsafe-urls';
import type { ChaosStack } from '../lib/chaos-stack';
import { startConnectionTrap, type ConnectionTrap } from '../lib/connection-trap';
import { startLane } from '../lib/lane';
import { collectOutcome, terminateStuck, waitForWorkflows } from '../lib/outcomes';
import { auditPayments } from '../lib/payment-audit';
import { pool } from '../lib/pool';
import { addAudits, emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { auditStorage } from '../lib/storage-audit';

/**
 * A provider hands back a video URL into the worker's network (or not https): the download is refused before any
 * connection, the attempt falls through, and the next provider delivers. Redirects are checked at the unit level.
 */
export async function unsafeUrlScenario(stack: ChaosStack): Promise<ScenarioReport> {
  const report = emptyReport('unsafe video URLs');
  const trap = await startConnectionTrap();
  const tag = runTag('u');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    const urls = await unsafeUrls(trap);
    const results = await pool(urls, 4, (u, i) => viaWorkflow(stack, client, u, `${tag}-${i}`, report));
    const redirects = await redirectRefusals(trap);
    for (const [name, problems] of [...results, ...redirects]) {
      report.figures.push(`${problems.length === 0 ? '✓' : '✗'} ${name}`);
      report.problems.push(...problems.map((p) => `${name}: ${p}`));
    }
    report.scenes = results.length + redirects.length;
    report.faults = report.scenes;
    report.completed = [...results, ...redirects].filter(([, p]) => p.length === 0).length;
    if (trap.connections() > 0) report.problems.push(`${trap.connections()} connection(s) reached the loopback trap`);
    report.figures.push(`connections that reached the loopback trap: ${trap.connections()}`);
    return report;
  } finally {
    await connection.close();
    await trap.close();
  }
}

async function viaWorkflow(
  stack: ChaosStack,
  client: Client,
  u: UnsafeUrl,
  tag: string,
  report: ScenarioReport,
): Promise<[string, string[]]> {
  const lane = await startLane(stack, {
    scenario: {
      default: { queueMs: 100, renderMs: 300 },
      models: { 'piapi:kling': { faults: [{ kind: 'unsafe_url', url: u.url }] } },
    },
  });
  try {
    const scene = chaosScene(tag, 0, {
      sceneType: 'testimonial',
      aspectRatio: '16:9',
      preferredProvider: 'kling',
      allowedProviders: ['kling', 'runway'],
      polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
    });
    const { workflowId } = await startSceneVideo(client, input(scene), { taskQueue: lane.taskQueue });
    const stuck = await waitForWorkflows(client, [workflowId], 60_000);
    const outcome = await collectOutcome(client, workflowId, scene.tag, stuck.has(workflowId));
    await terminateStuck(client, stuck);
    const problems: string[] = [];
    const [first, second] = outcome.attempts;
    if (!first?.error?.startsWith('UnsafeVideoUrl:'))
      problems.push(`first attempt: ${first?.state} ${first?.error ?? ''}, expected UnsafeVideoUrl`);
    if (outcome.status !== 'completed' || second?.provider !== 'runway' || !outcome.result?.stored) {
      problems.push(`expected the fallback to store the clip, got ${outcome.status} ${outcome.failure?.message ?? ''}`);
    }
    const own = emptyReport(u.name);
    addAudits(
      own,
      [outcome],
      auditPayments([outcome], lane.sandbox.stats()),
      await auditStorage(lane.s3, lane.bucket, lane.prefix, [outcome]),
    );
    problems.push(...own.problems);
    report.duplicates += own.duplicates;
    report.missingOrOrphans += own.missingOrOrphans;
    report.stuck += own.stuck;
    return [`${u.name} (${u.url})`, problems];
  } finally {
    await lane.close();
  }
}

/** A URL on the sandbox origin (trusted) that redirects somewhere unsafe: every hop is checked like the first. */
export async function redirectRefusals(trap: ConnectionTrap): Promise<[string, string[]][]> {
  const server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) {
      res.writeHead(302, { location: to }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '4' }).end('mp4!');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const policy = { sandboxOrigin: origin, maxBytes: 1024, timeoutMs: 5_000 };
  const targets = [
    ['another loopback port over http', `http://127.0.0.1:${trap.port4}/x.mp4`],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', `https://[::1]:${trap.port6}/x.mp4`],
    ['localhost by name', `https://localhost:${trap.port4}/x.mp4`],
    ['a name resolving to loopback', `https://${hostname()}:${trap.port4}/x.mp4`],
    ['private 192.168/16', 'https://192.168.1.1/x.mp4'],
    ['file scheme', 'file:///etc/passwd'],
  ];
  try {
    const results: [string, string[]][] = [];
    for (const [name, target] of targets) {
      const err = await openVideoDownload(`${origin}/v?to=${encodeURIComponent(target!)}`, policy).then(
        (d) => {
          d.body.destroy();
          return undefined;
        },
        (e: unknown) => e,
      );
      results.push([
        `redirect to ${name}`,
        err instanceof UnsafeVideoUrlError
          ? []
          : [`not refused as unsafe: ${err instanceof Error ? err.message : 'downloaded'}`],
      ]);
    }
    // The control: a redirect that stays on the trusted origin is followed.
    const ok = await openVideoDownload(`${origin}/v?to=${encodeURIComponent(`${origin}/clip.mp4`)}`, policy).catch(
      (e: Error) => e,
    );
    if (ok instanceof Error) results.push(['redirect within the sandbox origin', [`refused: ${ok.message}`]]);
    else {
      ok.body.destroy();
      results.push(['redirect within the sandbox origin', []]);
    }
    return results;
  } finally {
    await new Promise((r) => server.close(r));
  }
}
