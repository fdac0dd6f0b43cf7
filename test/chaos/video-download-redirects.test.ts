import { expect, it } from 'vitest';
import { startConnectionTrap } from './lib/connection-trap';
import { redirectRefusals } from './scenarios/unsafe-urls';

it('a trusted URL redirecting anywhere unsafe is refused at that hop, without connecting to it', async () => {
  const trap = await startConnectionTrap();
  try {
    const results = await redirectRefusals(trap);
    expect(results.filter(([, problems]) => problems.length > 0)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(8);
    expect(trap.connections()).toBe(0);
  } finally {
    await trap.close();
  }
});
