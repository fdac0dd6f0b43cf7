import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimatesTable, readmePath, readmeWithFacts, requestsTable } from '../../dev/tools/provider-facts';

describe('npm run provider-facts', () => {
  it('README.md "Provider facts" is the table the facts generate (run `npm run provider-facts` to update it)', async () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(await readmeWithFacts(readme)).toBe(readme);
  });

  it('--requests: a body for every default provider the planner keeps, and the reason for every one it skips', () => {
    const rows = requestsTable().split('\n').slice(2);
    expect(rows).toHaveLength(6 * 6 * 3);
    expect(rows).toContain(
      '| hailuo | 10 s 16:9 | `{"model":"hailuo","task_type":"video_generation","input":{"prompt":"A lighthouse at dusk",' +
        '"model":"v2.3","duration":10,"resolution":768,"expand_prompt":false}}` |',
    );
    expect(rows).toContain(
      '| veo | 3 s 16:9 | skipped: the scene lasts 3 s and Veo 3.1 would render 8 s (5 s off; the catalogue allows 3 s) |',
    );
    expect(rows).toContain('| runway | 5 s 1:1 | skipped: cannot render 1:1 |');
  });

  it('--requests: a 5 s clip per default provider, priced from the facts with their source', () => {
    expect(estimatesTable()).toContain('| runway | gen4.5 | 5 s | 0.6 | 0.6 | runwayml/skills c5674fd');
  });
});
