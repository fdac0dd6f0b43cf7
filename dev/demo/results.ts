import { secondsAmount, usdAmount } from '../../src/cli/format';
import { table, type Palette } from '../../src/cli/output';
import { paintState } from '../../src/cli/progress-tables';
import type { ProjectSceneStatus } from '../../src/contract/project-workflow';
import type { SceneVideoResult } from '../../src/contract/scene-workflow';
import type { Mp4Info } from '../sandbox';

/** A scene of the finished project, with its own result when it delivered and the check of its stored clip. */
export interface SceneOutcome {
  scene: ProjectSceneStatus;
  detail?: SceneVideoResult;
  clip?: Mp4Info;
}

/** What the stored object turned out to be, read back from S3: a playable MP4 of the expected size and length. */
export function clipCheck(mp4: Mp4Info): string {
  const video = mp4.tracks.find((t) => t.handler === 'vide');
  return `✓ MP4 ${video?.width}x${video?.height} ${mp4.durationSec.toFixed(1)} s`;
}

/** The demo's answer, one row per scene, in the CLI's table style: every unit in its column header. */
export function resultsTable(outcomes: SceneOutcome[], paint: Palette): string {
  return table(
    [
      { header: 'SCENE' },
      { header: 'OUTCOME' },
      { header: 'PROVIDER' },
      { header: 'ATTEMPTS' },
      { header: 'COST (USD)', align: 'right' },
      { header: 'TIME (s)', align: 'right' },
      { header: 'S3 KEY / REASON' },
      { header: 'STORED CLIP' },
    ],
    outcomes.map(({ scene, detail, clip }) => [
      scene.sceneId,
      paintState(scene.phase, paint),
      scene.provider ?? '',
      detail ? `${detail.attempts.length} (${detail.attempts.map((a) => a.provider).join(' → ')})` : '',
      usdAmount(scene.costUsd),
      detail ? secondsAmount(detail.generationTimeMs) : '',
      scene.s3Key ?? scene.error ?? '',
      clip ? clipCheck(clip) : '',
    ]),
  );
}
