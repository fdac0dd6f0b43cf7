/** Scenes read at once: each read is one request for a run's close event (its history) or its live progress. */
export const sceneReadsAtOnce = 8;

/**
 * `read` over every item, at most `limit` at once, results in item order. Each read is a server request (a history,
 * a query), so a large project is neither read one at a time nor all at once; past 2 s, `progress` hears how far it got
 * every 2 s and once at the end.
 */
export async function readEach<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  { limit, progress }: { limit: number; progress?: (done: number, total: number, finished: boolean) => void },
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const ticker = progress && setInterval(() => progress(done, items.length, false), 2_000);
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await read(items[i]!);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    clearInterval(ticker);
  }
  if (Date.now() - started > 2_000) progress?.(done, items.length, true);
  return results;
}
