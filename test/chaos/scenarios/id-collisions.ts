import { Client, Connection } from '@temporalio/client';
import { SceneIdentityMismatchError, startProjectVideos, startSceneVideo } from '../../../src/client';
import { startSandbox } from '../../../dev/sandbox';
import { generateSceneVideo } from '../../../src/workflows';
import type { SceneInput } from '../../../src/contract/scene-input';
import { sceneStartAttributes } from '../../../src/contract/search-attributes';
import { legacySceneWorkflowId, projectWorkflowId, sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { ProjectResult } from '../../../src/contract/project-workflow';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, promptTag, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

export interface IdCollisionOptions {
  /** Pairs of scenes whose old-format ids collide (`{p}` + `summer-hook` vs `{p}-summer` + `hook`). */
  pairs: number;
  /** Callers starting one scene at the same moment. */
  simultaneous: number;
}

type TaggedScene = SceneInput & { tag: string };

/** A scene whose prompt carries its own tag, so the sandbox's tasks can be attributed to it. */
function scene(tag: string, projectId: string, sceneId: string, shape: Partial<SceneInput> = {}): TaggedScene {
  const t = `${tag}/${projectId}/${sceneId}`;
  return {
    projectId,
    sceneId,
    sceneType: 'hook',
    prompt: `Car driving along the coast ${promptTag(t)}`,
    durationSec: 5,
    aspectRatio: '16:9',
    polling: { intervalMs: 300, providerDeadlineMs: 60_000 },
    ...shape,
    tag: t,
  };
}

const testimonial: Partial<SceneInput> = {
  sceneType: 'testimonial',
  durationSec: 10,
  aspectRatio: '9:16',
};

/**
 * Workflow-id collisions and races, each a fault: scenes whose old-format ids collide, an attach to another scene under
 * a forged or legacy id, a run under an old-format id still in flight, a project child whose id another scene holds,
 * and N callers starting one scene at once. Every scene must get its own run and its own clip, every refused attach
 * must start nothing, a legacy run must be attached to (not paid twice), and exactly one caller may hear
 * `started: true`.
 */
export async function idCollisions(stack: ChaosStack, opts: IdCollisionOptions): Promise<ScenarioReport> {
  const report = emptyReport('id collisions');
  const tag = runTag('i');
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({ scenario: { default: { queueMs: 200, renderMs: 2_500 } } });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: `chaos-${tag}` });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  // Every scene that must end with its own clip, and the workflow that must hold it.
  const expected: { scene: TaggedScene; workflowId: string }[] = [];
  const tasksOf = (s: TaggedScene) => sandbox.stats().tasks.filter((t) => t.prompt.includes(promptTag(s.tag))).length;
  const fault = (ok: boolean, problem: string) => {
    report.faults++;
    if (!ok) report.problems.push(problem);
  };
  try {
    await worker.start();

    // 1. Colliding pairs: under the old format both scenes of a pair had one id, and the second got the first's clip.
    let distinct = 0;
    for (let i = 0; i < opts.pairs; i++) {
      const a = scene(tag, `${tag}-p${i}`, 'summer-hook');
      const b = scene(tag, `${tag}-p${i}-summer`, 'hook', testimonial);
      const [sa, sb] = [
        await startSceneVideo(client, input(a), { taskQueue }),
        await startSceneVideo(client, input(b), { taskQueue }),
      ];
      const ok = sa.started && sb.started && sa.workflowId !== sb.workflowId;
      if (ok) distinct++;
      fault(ok, `colliding pair ${i}: ${JSON.stringify([sa.workflowId, sa.started, sb.workflowId, sb.started])}`);
      expected.push({ scene: a, workflowId: sa.workflowId }, { scene: b, workflowId: sb.workflowId });
    }
    report.figures.push(`${opts.pairs} colliding pairs: ${distinct} got two workflows`);

    // 2. N callers start one scene at once: one run, one task, exactly one `started: true`.
    const raced = scene(tag, `${tag}-race`, 'hook');
    const answers = await Promise.all(
      Array.from({ length: opts.simultaneous }, () => startSceneVideo(client, input(raced), { taskQueue })),
    );
    const startedTrue = answers.filter((a) => a.started).length;
    const ids = new Set(answers.map((a) => a.workflowId));
    fault(
      startedTrue === 1 && ids.size === 1,
      `${opts.simultaneous} simultaneous starts: ${startedTrue} told started, ${ids.size} ids`,
    );
    report.figures.push(`${opts.simultaneous} simultaneous starts of one scene: ${startedTrue} answered started: true`);
    expected.push({ scene: raced, workflowId: [...ids][0]! });

    // 3. Runs under old-format ids, started as the old client did: the same scene attaches to its run; the other scene
    //    of a colliding pair gets a run of its own.
    const legacy = scene(tag, `${tag}-old`, 'summer-hook');
    const legacyId = legacySceneWorkflowId(legacy.sceneId, legacy.projectId);
    await client.workflow.start(generateSceneVideo, {
      taskQueue,
      workflowId: legacyId,
      args: [input(legacy)],
      typedSearchAttributes: sceneStartAttributes(legacy),
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    const again = await startSceneVideo(client, input(legacy), { taskQueue });
    fault(
      !again.started && again.workflowId === legacyId,
      `legacy run in flight: the same scene got ${again.workflowId} (started: ${again.started}), not ${legacyId}`,
    );
    expected.push({ scene: legacy, workflowId: legacyId });
    const other = scene(tag, `${tag}-old-summer`, 'hook', testimonial);
    const otherStart = await startSceneVideo(client, input(other), { taskQueue });
    fault(
      otherStart.started && otherStart.workflowId === sceneWorkflowId(other.sceneId, other.projectId),
      `legacy id held by the other scene of a pair: got ${otherStart.workflowId} (started: ${otherStart.started})`,
    );
    expected.push({ scene: other, workflowId: otherStart.workflowId });
    report.figures.push(
      `legacy ids: same scene attached to ${again.workflowId === legacyId ? 'its old-format run' : again.workflowId}, ` +
        `the colliding scene started ${otherStart.workflowId}`,
    );

    // 4. Attaches that must be refused, starting nothing: another scene under a forged id, and changed content.
    const first = expected[0]!;
    const forged = scene(tag, `${tag}-forged`, 'intruder');
    const changed = { ...first.scene, prompt: `${first.scene.prompt} at night`, tag: `${first.scene.tag}-changed` };
    let refused = 0;
    for (const [what, s, workflowId] of [
      ['forged id', forged, first.workflowId],
      ['changed content', changed, undefined],
    ] as const) {
      const err = await startSceneVideo(client, input(s), { taskQueue, workflowId }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const ok = err instanceof SceneIdentityMismatchError && tasksOf(s) === 0;
      if (ok) refused++;
      fault(ok, `${what}: expected SceneIdentityMismatchError and no task, got ${String(err)}, ${tasksOf(s)} task(s)`);
    }

    // 5. A project child whose id another scene already holds: the project refuses it, not reports its clip.
    const projectId = `${tag}-proj`;
    const child = scene(tag, projectId, 'c1');
    const squatter = scene(tag, `${tag}-squat`, 'c1', testimonial);
    const squatId = sceneWorkflowId(child.sceneId, projectId);
    await startSceneVideo(client, input(squatter), { taskQueue, workflowId: squatId });
    expected.push({ scene: squatter, workflowId: squatId });
    const { projectId: _p, tag: _t, ...childInput } = child;
    const project = await startProjectVideos(client, { projectId, scenes: [childInput] }, { taskQueue });
    const projectResult = (await project.handle.result()) as ProjectResult;
    const childStatus = projectResult.scenes[0];
    const childRefused = childStatus?.phase === 'failed' && /refusing to attach/.test(childStatus.error ?? '');
    if (childRefused) refused++;
    fault(childRefused, `project child under a squatted id: ${JSON.stringify(childStatus)}`);
    report.figures.push(`${refused}/3 attaches to another scene refused (forged id, changed content, project child)`);

    // Every expected scene: its own stored clip, of its own duration, from exactly one task.
    const stuck = await waitForWorkflows(
      client,
      [...new Set(expected.map((e) => e.workflowId)), projectWorkflowId(projectId)],
      3 * 60_000,
    );
    const outcomes = await collectOutcomes(
      client,
      expected.map((e) => e.scene),
      expected.map((e) => e.workflowId),
      stuck,
    );
    report.scenes = outcomes.length;
    const keys = new Set<string>();
    outcomes.forEach((o, i) => {
      const s = expected[i]!.scene;
      const r = o.result;
      const ok =
        o.status === 'completed' &&
        r?.stored &&
        r.sceneId === s.sceneId &&
        r.projectId === s.projectId &&
        r.durationSec === s.durationSec &&
        r.s3Key !== undefined &&
        !keys.has(r.s3Key) &&
        tasksOf(s) === 1;
      if (r?.s3Key) keys.add(r.s3Key);
      if (ok) report.completed++;
      else
        report.problems.push(
          `${o.workflowId} (${s.projectId}/${s.sceneId}): ${o.status}, result for ${r?.projectId}/${r?.sceneId} ` +
            `${r?.durationSec} s, key ${r?.s3Key}, ${tasksOf(s)} task(s) ${o.failure?.message ?? ''}`,
        );
    });
    report.figures.push(
      `${outcomes.length} scenes, ${keys.size} distinct clips, ${sandbox.stats().tasks.length} provider tasks in all`,
    );
    return await concludeScenario(report, { client, sandbox, outcomes, stuck });
  } finally {
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}
