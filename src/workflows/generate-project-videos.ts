import {
  ApplicationFailure,
  CancellationScope,
  log,
  setHandler,
  setWorkflowOptions,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FoundSceneRun } from '../activities/find-scene-runs';
import type { ProjectInput } from '../contract/project-input';
import { getProjectProgress, type ProjectResult, type ProjectSceneStatus } from '../contract/project-workflow';
import { failureTypes } from '../contract/scene-workflow';
import { searchAttributes } from '../contract/search-attributes';
import { legacySceneWorkflowId, sceneWorkflowId } from '../contract/workflow-ids';
import { withEchoedFields } from '../domain/project-echo';
import { planProjectScenes } from '../domain/project-plan';
import {
  projectHeader,
  projectProgress,
  type ProjectHeader,
  projectSummary,
  rawProjectHeader,
  sceneRows,
} from '../domain/project-progress';
import type { ProjectBudget } from '../domain/budget';
import { sceneIdentity } from '../domain/scene-identity';
import { prepared } from './prepared';
import { prepareProject } from './project-activities';
import { sceneAdmissions } from './project-budget';
import { projectCancelled, waitUnlessCancelled } from './project-cancel';
import { decideRelease } from './project-release';
import { findExistingRuns } from './project-existing-runs';
import { storeManifest } from './project-manifest';
import { playScene } from './project-scene';
import { versionedBehavior } from './versioning-behavior';

/**
 * On a versioned worker (TEMPORAL_DEPLOYMENT_NAME), a project AUTO_UPGRADEs: it may last hours, waiting on its scenes,
 * so pinning it would keep an old build running that long; it moves to the current build at its next workflow task
 * instead. That build replays the history the old one wrote, so a change to project code still needs `patched()`.
 */
setWorkflowOptions(versionedBehavior('AUTO_UPGRADE'), generateProjectVideos);

/** Runs the scenes of one video as child scene workflows, at most N at once, within an optional budget. */
export async function generateProjectVideos(rawInput: ProjectInput): Promise<ProjectResult> {
  // What the progress query answers from: a client may ask the moment it has started the project, before validation.
  const known: { header: ProjectHeader; rows: ProjectSceneStatus[]; ledger?: ProjectBudget } = {
    header: rawProjectHeader(rawInput),
    rows: [],
  };
  const progress = () => projectProgress(known.header, known.rows, known.ledger?.summary());
  setHandler(getProjectProgress, progress, { description: 'Each scene: phase, provider, cost; and the totals' });
  const release = decideRelease(rawInput);

  const { project: slim, setup } = await prepared(prepareProject(rawInput));
  const project = withEchoedFields(slim, rawInput);
  known.header = projectHeader(project);
  const rows = sceneRows(project, release.unambiguousIds ? sceneWorkflowId : legacySceneWorkflowId);
  known.rows = rows;
  if (workflowInfo().typedSearchAttributes.get(searchAttributes.projectId) === undefined)
    upsertSearchAttributes([{ key: searchAttributes.projectId, value: project.projectId }]);

  const planned = planProjectScenes(project, setup.catalogue, setup.configured);
  if ('problem' in planned) throw ApplicationFailure.nonRetryable(planned.problem, failureTypes.notConfigured);
  const admissions = sceneAdmissions(project, release, () => progress().totalCostUsd);
  const { ledger } = admissions;
  known.ledger = ledger;
  const identities = release.unambiguousIds
    ? project.scenes.map((s) => sceneIdentity({ ...s, projectId: project.projectId }))
    : undefined;

  // Runs of the same release as the cancel patch and the new ids only: older runs replay without the lookup.
  const found =
    identities && release.cancelScenes ? await findExistingRuns(project, identities) : new Map<string, FoundSceneRun>();
  for (const run of found.values()) if (run.kind === 'succeeded') ledger?.holdPrior(run.sceneId, run.spentUsd);

  const run = { project, release, ledger };
  let running = 0;
  const children: Promise<void>[] = [];
  for (const [i, scene] of project.scenes.entries()) {
    if (!(await waitUnlessCancelled(release.cancelScenes, () => running < project.maxConcurrentScenes))) break;
    const row = rows[i]!;
    const plan = planned.plans[i]!;
    const existing = found.get(scene.sceneId);
    if (existing?.kind === 'refused') {
      Object.assign(row, { workflowId: existing.workflowId, phase: 'failed', error: existing.message });
      continue;
    }
    if (existing) row.workflowId = existing.workflowId;
    // Awaited only when the budget makes the scene wait for money: a turn more here would reorder this scene's start
    // against a late attach woken by the same settlement, and runs in flight would no longer replay.
    const admitted = admissions.admit(scene, plan, existing, row);
    const allowance = admitted instanceof Promise ? await admitted : admitted;
    if (allowance === 'cancelled') break;
    if (allowance === 'skipped') continue;
    running++;
    const settle = admissions.start(scene, plan, allowance, row);
    row.phase = 'running';
    const start = { existing, maxCostUsd: allowance.maxCostUsd, identity: identities?.[i] };
    children.push(
      playScene(run, scene, row, start, (chargedUsd) => {
        running--;
        settle(chargedUsd);
      }),
    );
  }
  await Promise.all(children);
  if (release.cancelScenes && CancellationScope.current().consideredCancelled)
    throw projectCancelled(known.header, rows);
  // A cancelled project (above) writes none: a manifest marks a project that finished, for the next stage to compose.
  const result: ProjectResult = progress();
  if (release.manifest) Object.assign(result, await storeManifest(result, setup.catalogue));
  log.info(projectSummary(result), { projectId: project.projectId });
  return result;
}
