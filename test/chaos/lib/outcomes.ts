import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AttemptProgress, SceneProgress, SceneVideoResult } from '../../../src/contract/scene-workflow';

/** How one scene workflow ended, with the attempts it recorded (from its result, or from its failure's details). */
export interface SceneOutcome {
  workflowId: string;
  /** Unique per scene and carried in the prompt, so the sandbox's tasks can be attributed to their scene. */
  tag: string;
  status: 'completed' | 'failed' | 'stuck';
  result?: SceneVideoResult;
  failure?: { type?: string; message: string; nonRetryable?: boolean };
  attempts: AttemptProgress[];
}

/** `[tag]` goes into every prompt; the brackets keep `s-1` from matching `s-10`. */
export function promptTag(tag: string): string {
  return `[${tag}]`;
}

/**
 * Waits until none of the workflows is running, tolerating a server that is briefly gone; whatever still runs at the
 * deadline is stuck. A timeout of 0 just looks once.
 */
export async function waitForWorkflows(client: Client, workflowIds: string[], timeoutMs: number): Promise<Set<string>> {
  const deadline = Date.now() + timeoutMs;
  const running = new Set(workflowIds);
  for (;;) {
    for (const id of [...running]) {
      try {
        const { status } = await client.workflow.getHandle(id).describe();
        if (status.name !== 'RUNNING') running.delete(id);
      } catch {
        // Not started yet (a project's child) or the server is restarting: ask again next round.
      }
    }
    if (running.size === 0 || Date.now() >= deadline) return running;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export async function collectOutcome(
  client: Client,
  workflowId: string,
  tag: string,
  stuck: boolean,
): Promise<SceneOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  if (stuck) {
    let attempts: AttemptProgress[] = [];
    try {
      attempts = (await handle.query<SceneProgress>('getProgress')).attempts;
    } catch {
      // No worker to answer: the attempts stay unknown.
    }
    return { workflowId, tag, status: 'stuck', attempts };
  }
  try {
    const result = (await handle.result()) as SceneVideoResult;
    return { workflowId, tag, status: 'completed', result, attempts: result.attempts };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : err;
    const app = cause instanceof ApplicationFailure ? cause : undefined;
    const progress = app?.details?.[0] as SceneProgress | undefined;
    return {
      workflowId,
      tag,
      status: 'failed',
      failure: {
        type: app?.type ?? undefined,
        message: (cause as Error).message,
        nonRetryable: app?.nonRetryable ?? undefined,
      },
      attempts: progress?.attempts ?? [],
    };
  }
}

/** The outcome of each scene, `ids[i]` being the workflow of `scenes[i]`. */
export function collectOutcomes(
  client: Client,
  scenes: { tag: string }[],
  ids: string[],
  stuck: Set<string>,
): Promise<SceneOutcome[]> {
  return Promise.all(scenes.map((s, i) => collectOutcome(client, ids[i]!, s.tag, stuck.has(ids[i]!))));
}

export async function terminateStuck(client: Client, workflowIds: Iterable<string>): Promise<void> {
  for (const id of workflowIds) {
    await client.workflow
      .getHandle(id)
      .terminate('chaos run: stuck at the deadline')
      .catch(() => undefined);
  }
}
