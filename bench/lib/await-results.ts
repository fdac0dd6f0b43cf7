import type { Client } from '@temporalio/client';
import { setMaxListeners } from 'node:events';
import { step } from './progress';

export interface Outcome<T> {
  workflowId: string;
  ok: boolean;
  value?: T;
  error?: string;
  /** When this process saw the result. */
  doneMs: number;
}

/**
 * Waits for every workflow's result, never throwing for a failed one, and reports progress while it waits. A deadline
 * stops the wait: workflows still running then are reported as not ok, with the error 'still running', and their
 * waits are aborted, so no call is left retrying on a connection that is about to close.
 */
export async function awaitResults<T>(
  client: Client,
  handles: readonly { workflowId: string; result(): Promise<T> }[],
  opts: { label: string; progressEveryMs?: number; deadlineMs?: number },
): Promise<Outcome<T>[]> {
  let done = 0;
  const started = Date.now();
  const ticker = setInterval(
    () =>
      step(`  ${opts.label}: ${done}/${handles.length} finished after ${Math.round((Date.now() - started) / 1000)} s`),
    opts.progressEveryMs ?? 30_000,
  );
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  // Every wait listens on this one signal; that is by design, not a leak.
  setMaxListeners(0, abort.signal);
  const deadline =
    opts.deadlineMs === undefined
      ? undefined
      : new Promise<'deadline'>((r) => (timer = setTimeout(r, opts.deadlineMs, 'deadline')));
  try {
    // All waits at once: with a bounded pool, a wait queued behind others could lose a race against the deadline.
    return await Promise.all(
      handles.map(async (h): Promise<Outcome<T>> => {
        const result = client
          .withAbortSignal(abort.signal, () => h.result())
          .then(
            (value) => ({ ok: true as const, value }),
            (err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err) }),
          );
        const first = deadline ? await Promise.race([result, deadline]) : await result;
        done++;
        if (first === 'deadline')
          return { workflowId: h.workflowId, ok: false, error: 'still running', doneMs: Date.now() };
        return { workflowId: h.workflowId, ...first, doneMs: Date.now() };
      }),
    );
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
    abort.abort();
  }
}
