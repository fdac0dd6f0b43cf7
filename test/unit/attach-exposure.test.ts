import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExposure } from '../../src/activities/find-scene-runs';
import { sceneBudgetCapPatch } from '../../src/domain/budget';
import { historyPatches } from '../../src/client/scene-identity-check';
import { type ProviderConfig } from '../../src/contract/catalogue';
import { defaultCatalogue } from '../../src/config/catalogue';
import { ProjectBudget, type AttachedRun, type SceneNeed } from '../../src/domain/budget';
import type { AttemptProgress } from '../../src/contract/scene-workflow';

const histories = join(__dirname, '../replay/histories');
const provider = (key: string): ProviderConfig => defaultCatalogue.find((p) => p.key === key)!;
const order = ['runway', 'luma', 'hunyuan'].map(provider); // worst cases at 10 s: $1.20, $0.20, $0.09
const at = '2026-01-01T00:00:00.000Z';
const attempt = (p: string, costUsd: number, ended: boolean): AttemptProgress => ({
  provider: p,
  state: ended ? 'failed' : 'queued',
  startedAt: at,
  ...(ended ? { endedAt: at } : {}),
  costUsd,
});

describe("an attached run's exposure (what it spent plus what it may still bill)", () => {
  it('before its first attempt: the worst case of its whole plan, each fallback included', () => {
    expect(runExposure({ durationSec: 10 }, order, undefined, true)).toMatchObject({ spentUsd: 0, exposureUsd: 1.49 });
  });

  it('in flight: ended attempts at their cost, the current one at its worst case, the providers ahead at theirs', () => {
    const snapshot = { attempts: [attempt('runway', 1.2, true), attempt('luma', 0, false)], totalCostUsd: 1.2 };
    const e = runExposure({ durationSec: 10 }, order, snapshot, true);
    expect(e).toMatchObject({ spentUsd: 1.2, exposureUsd: 1.49 });
    expect(e.basis).toContain('hunyuan still ahead');
    // A refunded failure frees its worst case.
    const refunded = { attempts: [attempt('runway', 0, true), attempt('luma', 0.2, false)], totalCostUsd: 0.2 };
    expect(runExposure({ durationSec: 10 }, order, refunded, true).exposureUsd).toBe(0.29);
  });

  it('bounded by its own maxCostUsd when it holds that as a cap, never below what it spent', () => {
    expect(runExposure({ durationSec: 10, maxCostUsd: 0.5 }, order, undefined, true)).toMatchObject({
      exposureUsd: 0.5,
      basis: 'its maxCostUsd $0.5',
    });
    expect(
      runExposure({ durationSec: 10, maxCostUsd: 0.5 }, order, { attempts: [], totalCostUsd: 0.6 }, true).exposureUsd,
    ).toBe(0.6);
    expect(runExposure({ durationSec: 10, maxCostUsd: 5 }, order, undefined, true).exposureUsd).toBe(1.49);
  });

  it('a run started before the scene budget became a cap (no marker): its maxCostUsd bounds nothing', () => {
    // Such a run checked maxCostUsd against estimates only, so it may bill every provider of its plan at worst case.
    const old = runExposure({ durationSec: 10, maxCostUsd: 0.5 }, order, undefined, false);
    expect(old).toMatchObject({ spentUsd: 0, exposureUsd: 1.49 });
    expect(old.basis).toMatch(/^the worst case of its plan/);
    const inFlight = { attempts: [attempt('runway', 1.2, true), attempt('luma', 0, false)], totalCostUsd: 1.2 };
    expect(runExposure({ durationSec: 10, maxCostUsd: 0.5 }, order, inFlight, false).exposureUsd).toBe(1.49);
    // The same run with the marker is held to its maxCostUsd.
    expect(runExposure({ durationSec: 10, maxCostUsd: 0.5 }, order, undefined, true).exposureUsd).toBe(0.5);
  });

  it('reads the marker from the history: present in a run of the capped scene budget, absent in an older run', () => {
    const patches = (file: string) =>
      historyPatches(historyFromJSON(JSON.parse(readFileSync(join(histories, file), 'utf8'))), defaultPayloadConverter);
    expect(patches('scene-budget-and-prompt-limits.json').has(sceneBudgetCapPatch)).toBe(true);
    expect(patches('scene-fallback-after-failure.json').has(sceneBudgetCapPatch)).toBe(false);
    expect(patches('scene-cancel-during-upload.json')).toContain('upload-survives-cancel');
  });

  it('unknown (undefined) when its input cannot be read', () => {
    expect(runExposure(undefined, order, undefined, true).exposureUsd).toBeUndefined();
  });
});

describe('the project ledger attaching to a run already going', () => {
  const plan: SceneNeed['options'] = [{ provider: 'luma', worstCaseUsd: 0.2 }];
  const attached = (exposureUsd: number | undefined, spentUsd = 0): AttachedRun => ({
    workflowId: 'scene-video:p:s0',
    spentUsd,
    exposureUsd,
    basis: 'the worst case of its plan',
  });

  it('reserves the whole exposure when it fits, so the other scenes get only the rest', () => {
    const ledger = new ProjectBudget(1);
    const d = ledger.decide({ sceneId: 's0', options: [], attached: attached(0.96, 0.48) });
    expect(d).toEqual({ kind: 'start', grantUsd: 0.96, provider: 'scene-video:p:s0' });
    ledger.reserve('s0', 0.96);
    expect(ledger.decide({ sceneId: 's1', options: plan }).kind).toBe('wait');
    expect(ledger.settle('s0', 0.96)).toBeUndefined();
    expect(ledger.decide({ sceneId: 's1', options: plan }).kind).toBe('skip');
  });

  it('waits while running scenes could free enough, skips with the reason otherwise', () => {
    const ledger = new ProjectBudget(1);
    ledger.reserve('s1', 0.2);
    const wait = ledger.decide({ sceneId: 's0', options: [], attached: attached(0.9) });
    expect(wait.kind).toBe('wait');
    const skip = new ProjectBudget(1).decide({ sceneId: 's0', options: [], attached: attached(1.49) });
    expect(skip).toMatchObject({ kind: 'skip' });
    expect((skip as { reason: string }).reason).toMatch(
      /^budget: its run scene-video:p:s0, going before this project run, may bill up to \$1\.4900 .*more than the \$1\.0000 left; not attached/,
    );
  });

  it("skips a run whose exposure is unbounded, or above the scene's own maxCostUsd", () => {
    const ledger = new ProjectBudget(10);
    expect(ledger.decide({ sceneId: 's0', options: [], attached: attached(undefined) }).kind).toBe('skip');
    const capped = ledger.decide({ sceneId: 's0', capUsd: 0.5, options: [], attached: attached(0.9) });
    expect(capped).toMatchObject({ kind: 'skip' });
    expect((capped as { reason: string }).reason).toContain("above the scene's maxCostUsd $0.5");
  });

  it('holds a scene that succeeded before this run at its cost, settles it without an overrun, and reports it', () => {
    const ledger = new ProjectBudget(1);
    ledger.holdPrior('s0', 0.96);
    expect(ledger.leftUsd).toBe(0.04);
    // Nothing to wait for: that money is spent, not held by a running scene.
    expect(ledger.decide({ sceneId: 's1', options: plan }).kind).toBe('skip');
    expect(ledger.settle('s0', 0.96)).toBeUndefined();
    expect(ledger.summary()).toEqual({ budgetUsd: 1, spentUsd: 0.96, reservedUsd: 0, leftUsd: 0.04, priorUsd: 0.96 });
    // A scene granted an allowance in this run is still stopped for an overrun.
    ledger.reserve('s1', 0.02);
    expect(ledger.settle('s1', 0.03)).toMatch(/above the allowance/);
  });
});
