import { Client, Connection } from '@temporalio/client';
import { startProjectVideos, startSceneVideo } from '../../../src/client';
import { sandboxApiKeys, startSandbox, type ScenarioInput } from '../../../dev/sandbox';
import { projectWorkflowId, sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { findSecrets, scanWorkflows, workerSecrets } from '../lib/secret-scan';
import { WorkerSupervisor } from '../lib/worker-process';

/**
 * Providers that echo the caller's key back, as some APIs do in error bodies and failure messages: in a create
 * rejection (both APIs) and in a task's failure message. Everything else behaves.
 */
function echoingScenario(keys: { piapi: string; runway: string }): ScenarioInput {
  return {
    default: { queueMs: 200, renderMs: 800 },
    models: {
      'runway:gen4.5': {
        faults: [{ kind: 'create_4xx', status: 401, body: { error: `Invalid API key: ${keys.runway}` } }],
      },
      'piapi:kling': {
        faults: [
          {
            kind: 'create_4xx',
            status: 403,
            times: 2,
            body: { code: 403, message: `key ${keys.piapi} may not use kling` },
          },
        ],
      },
      'piapi:luma': { faults: [{ kind: 'task_failed', message: `quota exceeded for x-api-key ${keys.piapi}` }] },
    },
  };
}

/**
 * A full run (solo scenes, a project, fallbacks, a scene that fails outright) with providers echoing their keys: no
 * history, search attribute, memo, error message or worker log line may contain a provider key or the S3 secret.
 * The sandbox accepts only its own fixed keys, so those (unique hashes) are the markers.
 */
export async function secrets(stack: ChaosStack): Promise<ScenarioReport> {
  const report = emptyReport('secrets');
  const tag = runTag('x');
  const taskQueue = `chaos-${tag}`;
  const prefix = `chaos-${tag}`;
  const keys = sandboxApiKeys;
  const sandbox = await startSandbox({ scenario: echoingScenario(keys) });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const markers = workerSecrets(keys, stack.s3);
  try {
    await worker.start();
    const polling = { intervalMs: 300, providerDeadlineMs: 60_000 };
    const scenes = [
      chaosScene(tag, 0, { sceneType: 'hook', polling }),
      chaosScene(tag, 1, { sceneType: 'product', polling }),
      chaosScene(tag, 2, { sceneType: 'testimonial', polling }),
      chaosScene(tag, 3, { sceneType: 'broll', polling }),
      // Both allowed providers echo: the scene fails, and its failure lists every reason.
      chaosScene(tag, 4, { sceneType: 'hook', allowedProviders: ['runway', 'luma'], polling }),
    ];
    for (const scene of scenes) await startSceneVideo(client, input(scene), { taskQueue });
    const projectId = `${tag}-p`;
    const projectScenes = [0, 1].map((i) =>
      chaosScene(tag, 10 + i, { projectId, sceneType: i ? 'cta' : 'product', polling }),
    );
    await startProjectVideos(
      client,
      { projectId, scenes: projectScenes.map(({ projectId: _p, ...s }) => input(s)) },
      { taskQueue },
    );
    scenes.push(...projectScenes);
    const ids = scenes.map((s) => sceneWorkflowId(s.sceneId, s.projectId));
    const allIds = [...ids, projectWorkflowId(projectId)];

    const stuck = await waitForWorkflows(client, allIds, 3 * 60_000);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    report.scenes = outcomes.length;
    outcomes.forEach((o, i) => {
      const shouldFail = i === 4;
      const ok = shouldFail ? o.failure?.type === 'AllProvidersFailed' : o.status === 'completed' && o.result?.stored;
      if (ok) report.completed++;
      else
        report.problems.push(
          `${o.workflowId}: ${o.status} ${o.failure?.message ?? ''}, expected ${shouldFail ? 'AllProvidersFailed' : 'a stored clip'}`,
        );
    });
    const echoed = sandbox.stats().requests;
    report.faults = Object.values(echoed).reduce(
      (n, byStatus) => n + (byStatus['401'] ?? 0) + (byStatus['403'] ?? 0),
      0,
    );
    report.faults += sandbox.stats().tasks.filter((t) => /failed/i.test(t.status)).length;
    report.figures.push(`${report.faults} provider replies echoed a key (create rejections and task failures)`);

    const errors = outcomes
      .flatMap((o) => [o.failure?.message ?? '', ...o.attempts.map((a) => a.error ?? '')])
      .join('\n');
    const findings = [
      ...(await scanWorkflows(client, allIds, markers)),
      ...findSecrets('the worker log', worker.output(), markers),
      ...findSecrets('error messages', errors, markers),
    ];
    report.secrets = findings.length;
    report.problems.push(...findings);
    report.figures.push(
      `scanned ${allIds.length} workflow histories, search attributes and memos, ${worker.output().split('\n').length} worker log lines and every error message`,
    );
    return await concludeScenario(report, { client, sandbox, outcomes, stuck });
  } finally {
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}
