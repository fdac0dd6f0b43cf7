import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountConcurrencyReader } from '../../src/providers/account-concurrency';
import { createPiapiClient } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import { fixture, useStubServer, type StubServer } from './stub-server';

// The stub stands for Runway's API (the edge this project does not own); the client and the reader are the real ones.
const runwayKey = 'key_' + 'cd'.repeat(64);
const stubServer = useStubServer();
let stub: StubServer;
beforeEach(() => {
  stub = stubServer();
});
afterEach(() => {
  vi.useRealTimers();
});

function reader() {
  const warnings: string[] = [];
  const runway = createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey });
  return { warnings, reader: new AccountConcurrencyReader({ runway }, (line) => warnings.push(line)) };
}

describe('AccountConcurrencyReader', () => {
  it("reads Runway's per-model concurrency from GET /v1/organization, once for concurrent callers", async () => {
    stub.reply({ status: 200, body: fixture('runway/organization.json').body });
    const { reader: r, warnings } = reader();
    await Promise.all([r.refresh(), r.refresh()]);
    expect(stub.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['GET /v1/organization']);
    expect(r.current()).toEqual({ runway: { gen4_turbo: 2, 'gen4.5': 1 } });
    expect(warnings).toEqual([]);
    // Fresh for ten minutes: asking again reads nothing.
    r.current();
    expect(stub.requests).toHaveLength(1);
  });

  it('keeps the last limits when a read fails, and says so without the key', async () => {
    stub.reply({ status: 200, body: fixture('runway/organization.json').body });
    const { reader: r, warnings } = reader();
    await r.refresh();
    stub.reply({ status: 503, body: { error: 'unavailable' } });
    await r.refresh();
    expect(r.current()).toEqual({ runway: { gen4_turbo: 2, 'gen4.5': 1 } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Could not read the runway account's concurrency limits \(.*503.*\); keeping the last/,
    );
    expect(warnings[0]).toContain('scene-video providers --check');
    expect(warnings[0]).not.toContain(runwayKey);
  });

  it('has no limits when the first read fails, and a reply without concurrency gives none', async () => {
    stub.reply({ status: 500, body: { error: 'boom' } });
    const { reader: r, warnings } = reader();
    await r.refresh();
    expect(r.current()).toEqual({});
    expect(warnings[0]).toMatch(/its entries have no account limit at their gates/);
    stub.reply({
      status: 200,
      body: { creditBalance: 10, tier: { models: { 'gen4.5': { maxDailyGenerations: 5 } } } },
    });
    await r.refresh();
    expect(r.current()).toEqual({ runway: {} });
  });

  it('reads again a minute after a failed read, not ten', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    stub.reply({ status: 502, body: { error: 'bad gateway' } });
    const { reader: r } = reader();
    await r.refresh();
    stub.reply({ status: 200, body: fixture('runway/organization.json').body });
    vi.setSystemTime(Date.now() + 59_000);
    r.current();
    expect(stub.requests).toHaveLength(1);
    vi.setSystemTime(Date.now() + 2_000);
    r.current();
    await r.refresh();
    expect(stub.requests).toHaveLength(2);
    expect(r.current()).toEqual({ runway: { gen4_turbo: 2, 'gen4.5': 1 } });
    // Read well now: the next is ten minutes away.
    vi.setSystemTime(Date.now() + 5 * 60_000);
    r.current();
    expect(stub.requests).toHaveLength(2);
  });

  it('asks only routes that report concurrency: a PiAPI-only worker makes no call', async () => {
    const piapi = createPiapiClient({ baseUrl: stub.baseUrl, apiKey: 'piapi-key', serviceMode: 'public' });
    const r = new AccountConcurrencyReader({ piapi }, () => undefined);
    await r.refresh();
    expect(r.current()).toEqual({});
    expect(stub.requests).toEqual([]);
  });
});
