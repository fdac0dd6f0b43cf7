import type { Browser, Page } from 'playwright-core';

export interface ListedRuns {
  page: Page;
  listed: string[];
  missing: string[];
}

/**
 * Opens the Web UI's workflow list filtered by `query` (visibility syntax, e.g. `ProjectId="p1"`) and reads which of
 * `workflowIds` it shows, reloading until all are there or `timeoutMs` passed (visibility trails the workflows).
 */
export async function listRunsInUi(
  browser: Browser,
  opts: { uiUrl: string; namespace: string; query: string; workflowIds: string[]; timeoutMs: number },
): Promise<ListedRuns> {
  const page = await browser.newPage();
  const url = `${opts.uiUrl}/namespaces/${opts.namespace}/workflows?query=${encodeURIComponent(opts.query)}`;
  const deadline = Date.now() + opts.timeoutMs;
  await page.goto(url);
  for (;;) {
    // The list renders after the namespace and the first page load; one id on it means the page has its rows.
    await page
      .getByText(opts.workflowIds[0]!)
      .first()
      .waitFor({ timeout: Math.max(1_000, Math.min(15_000, deadline - Date.now())) })
      .catch(() => undefined);
    const shown = await page.locator('main').innerText();
    // Whole ids only: `…:s1` must not count as listed because `…:s10` is.
    const isShown = (id: string) =>
      new RegExp(`(^|\\s)${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(shown);
    const listed = opts.workflowIds.filter(isShown);
    if (listed.length === opts.workflowIds.length || Date.now() >= deadline)
      return { page, listed, missing: opts.workflowIds.filter((id) => !isShown(id)) };
    await page.waitForTimeout(2_000);
    await page.reload();
  }
}
