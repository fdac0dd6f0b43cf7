import { roundUsd } from '../domain/pricing';
import type {
  AttemptProgress,
  ProviderRanking,
  ProviderProgressUpdate,
  SceneProgress,
  ScenePhase,
  SceneVideoResult,
} from '../contract/scene-workflow';

/** The workflow's durable view of one scene, returned as-is by the getProgress query. */
export class SceneState {
  phase: ScenePhase = 'ranking';
  ranking: ProviderRanking[] = [];
  readonly attempts: AttemptProgress[] = [];
  result?: SceneVideoResult;

  constructor(
    public sceneId: string,
    public projectId?: string,
  ) {}

  get current(): AttemptProgress | undefined {
    const last = this.attempts[this.attempts.length - 1];
    return last && last.endedAt === undefined ? last : undefined;
  }

  startAttempt(provider: string): AttemptProgress {
    const attempt: AttemptProgress = { provider, state: 'creating', startedAt: new Date().toISOString(), costUsd: 0 };
    this.attempts.push(attempt);
    this.phase = 'generating';
    return attempt;
  }

  skip(provider: string, reason: string): void {
    const now = new Date().toISOString();
    this.attempts.push({ provider, state: 'skipped', startedAt: now, endedAt: now, error: reason, costUsd: 0 });
  }

  endAttempt(attempt: AttemptProgress, fields: Partial<AttemptProgress>): void {
    Object.assign(attempt, fields, { endedAt: new Date().toISOString() });
    attempt.costUsd = roundUsd(attempt.costUsd);
  }

  applyProgress(update: ProviderProgressUpdate): void {
    const attempt = this.current;
    if (!attempt || attempt.taskId !== update.taskId || attempt.state === 'uploading') return;
    attempt.state = update.state;
    if (update.progress !== undefined) attempt.progress = update.progress;
  }

  get costByProvider(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const a of this.attempts) {
      if (a.costUsd > 0) totals[a.provider] = roundUsd((totals[a.provider] ?? 0) + a.costUsd);
    }
    return totals;
  }

  get totalCostUsd(): number {
    return roundUsd(this.attempts.reduce((sum, a) => sum + a.costUsd, 0));
  }

  snapshot(): SceneProgress {
    return {
      sceneId: this.sceneId,
      projectId: this.projectId,
      phase: this.phase,
      ranking: this.ranking,
      currentProvider: this.current?.provider,
      attempts: this.attempts,
      totalCostUsd: this.totalCostUsd,
      costByProvider: this.costByProvider,
      result: this.result,
    };
  }
}
