import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { getProgress } from '../../src/contract/scene-workflow';
import { estimateCostUsd, roundUsd, worstCaseCostUsd } from '../../src/domain/pricing';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';
import { generateFlags, jsonOf, runCli, stackEnv } from './run-cli';

/**
 * `scene-video cost --attempts` on the real stack: a failed attempt's charge is its own provider's, in the per-attempt
 * rows and in the per-provider totals alike.
 */

let h: SceneHarness;
let env: NodeJS.ProcessEnv;
const projectId = `cost-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  h = await startSceneHarness({
    scenario: {
      default: { queueMs: 100, renderMs: 600 },
      models: {
        // Moderated twice: Runway bills a moderated generation (`success_or_moderated`), so both cost money.
        [sandboxKey('runway')]: { faults: [{ kind: 'content_policy', times: 2 }] },
        // Never leaves the queue, until cancelled.
        [sandboxKey('luma')]: { queueMs: 600_000 },
      },
    },
  });
  env = stackEnv(h.taskQueue);
});
afterAll(async () => {
  await h?.close();
});

const catalogue = (key: string) => defaultCatalogue.find((p) => p.key === key)!;
const hookFlags = (sceneId: string, extra: string[] = []) =>
  generateFlags({ projectId, sceneId, sceneType: 'hook', prompt: 'Opening shot over the city' }, extra);

describe('scene-video cost --attempts', () => {
  it('lists each attempt under its own provider, and the provider totals credit a failed attempt to its provider', async () => {
    // Runway first for a hook scene: moderated (billed), then Kling delivers.
    const fellBack = await runCli(['generate', ...hookFlags('fallback'), '--wait', '--json'], env);
    expect(fellBack.code, fellBack.stderr).toBe(0);
    const result = jsonOf(fellBack).result;
    expect(result.attempts.map((a: { provider: string }) => a.provider)).toEqual(['runway', 'kling']);
    // Runway only: moderated again, nothing to fall back to; the failure carries the attempts.
    const failed = await runCli(['generate', ...hookFlags('failed', ['--allowed', 'runway']), '--wait'], env);
    expect(failed.code).toBe(1);
    // Cancelled while queued: its close event carries no attempts.
    const cancelledId = `scene-video:${projectId}:cancelled`;
    const started = await runCli(['generate', ...hookFlags('cancelled', ['--allowed', 'luma'])], env);
    expect(started.code, started.stderr).toBe(0);
    await waitFor(
      async () => (await h.client.workflow.getHandle(cancelledId).query(getProgress)).attempts[0]?.taskId,
      20_000,
    );
    expect((await runCli(['cancel', cancelledId], env)).code).toBe(0);
    await h.client.workflow
      .getHandle(cancelledId)
      .result()
      .catch(() => undefined);

    const args = ['cost', '--since', '30m', '--project', projectId, '--attempts'];
    // Visibility is eventually consistent: each scene's closing CostUsd shows up shortly after it closed.
    const cost = await waitFor(async () => {
      const run = await runCli([...args, '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      const doc = jsonOf(run);
      return doc.total.scenes === 3 && doc.runningScenes === 0 ? doc : undefined;
    }, 30_000);

    const moderated = worstCaseCostUsd(catalogue('runway'), 5);
    const row = (sceneId: string, attempt: number, provider: string) => ({
      workflowId: `scene-video:${projectId}:${sceneId}`,
      sceneId,
      projectId,
      sceneType: 'hook',
      attempt,
      provider,
      estimateUsd: estimateCostUsd(catalogue(provider), 5),
    });
    expect(cost.attempts).toHaveLength(3);
    expect(cost.attempts).toEqual(
      expect.arrayContaining([
        {
          ...row('fallback', 1, 'runway'),
          outcome: 'failed',
          reason: 'content_policy_input',
          error: expect.stringMatching(/^ContentPolicy: /),
          billedUsd: moderated,
        },
        {
          ...row('fallback', 2, 'kling'),
          outcome: 'succeeded',
          reason: 'succeeded',
          billedUsd: result.costByProvider.kling,
        },
        {
          ...row('failed', 1, 'runway'),
          outcome: 'failed',
          reason: 'content_policy_input',
          error: expect.stringMatching(/^ContentPolicy: /),
          billedUsd: moderated,
        },
      ]),
    );
    expect(cost.scenesWithoutAttempts).toEqual([{ workflowId: cancelledId, status: 'CANCELLED', costUsd: 0 }]);

    // The totals by provider (from each scene's memo) are the attempts' charges summed by their own provider:
    // Runway carries both moderated generations, though the fallback scene ended with Kling.
    const byProvider = Object.fromEntries(
      cost.byProvider.map((g: { key: string; usd: number; scenes: number }) => [g.key, g]),
    );
    expect(byProvider.runway).toMatchObject({ usd: roundUsd(2 * moderated), scenes: 1, failed: 1 });
    expect(byProvider.kling).toMatchObject({ usd: result.costByProvider.kling, scenes: 1, succeeded: 1 });
    for (const g of cost.byProvider as { key: string; usd: number }[]) {
      const attempts = (cost.attempts as { provider: string; billedUsd: number }[]).filter((a) => a.provider === g.key);
      expect(roundUsd(attempts.reduce((sum, a) => sum + a.billedUsd, 0)), g.key).toBe(g.usd);
    }
    expect(cost.note).toMatch(/a failed attempt's charge .* is that provider's/);

    const human = await runCli(args, env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^SCENE\s+#\s+PROVIDER\s+OUTCOME\s+REASON\s+ESTIMATE \(USD\)\s+BILLED \(USD\)$/m);
    // Runway's SAFETY.INPUT.TEXT: its input moderation refused the prompt.
    expect(human.stdout).toMatch(
      /^fallback\s+1\s+runway\s+failed\s+refused: the prompt \(input moderation\)\s+\d+\.\d{4}\s+\d+\.\d{4}$/m,
    );
    expect(human.stdout).toMatch(/^fallback\s+2\s+kling\s+succeeded\s+stored\s+\d+\.\d{4}\s+\d+\.\d{4}$/m);
    expect(human.stdout).toContain(`${cancelledId} (CANCELLED) recorded no attempts: 0.0000 USD (CostUsd)`);
  });
});
