import { describe, expect, it } from 'vitest';
import { parsePiapiAccount } from '../../../src/providers/piapi';
import { parseRunwayOrganization } from '../../../src/providers/runway';
import type { ProviderAccount } from '../../../src/providers/types';
import { fixture } from '../../providers/stub-server';

describe('parsePiapiAccount: GET /account/info', () => {
  it.each<[string, ProviderAccount]>([
    [
      'account-info.json',
      {
        balanceUsd: 12.3456789,
        credits: { amount: 123456789, unit: 'credits' },
        plan: 'creator',
        models: {},
      },
    ],
    [
      'account-info-code-0-strings.json',
      { balanceUsd: 0.05, credits: { amount: 500000, unit: 'credits' }, plan: 'free', models: {} },
    ],
    // A balance the reply does not carry is unknown: absent, never 0.
    ['account-info-no-balance.json', { models: {} }],
  ])('%s', (name, expected) => {
    expect(parsePiapiAccount(fixture(`piapi/${name}`).body)).toStrictEqual(expected);
  });

  it('reads the fields bare, without an envelope', () => {
    expect(parsePiapiAccount({ equivalent_in_usd: 3, credits: 30000000 }).balanceUsd).toBe(3);
  });

  it.each([
    ['a non-numeric balance', { equivalent_in_usd: 'lots' }],
    ['an infinite balance', { equivalent_in_usd: '1e999' }],
    ['a boolean balance', { equivalent_in_usd: true }],
  ])('treats %s as unknown', (_name, data) => {
    expect(parsePiapiAccount({ code: 200, data }).balanceUsd).toBeUndefined();
  });

  it.each([null, 'ok', [], 42])('refuses %j as a protocol error', (body) => {
    expect(() => parsePiapiAccount(body)).toThrow(expect.objectContaining({ kind: 'protocol' }));
  });
});

describe('parseRunwayOrganization: GET /v1/organization', () => {
  it('reads the credit balance ($0.01 each) and merges tier limits with usage per model', () => {
    expect(parseRunwayOrganization(fixture('runway/organization.json').body)).toStrictEqual({
      balanceUsd: 42.5,
      credits: { amount: 4250, unit: 'credits at 0.01 USD' },
      models: {
        gen4_turbo: { maxConcurrentGenerations: 2, maxDailyGenerations: 200, dailyGenerations: 17 },
        'gen4.5': { maxConcurrentGenerations: 1, maxDailyGenerations: 50 },
        gen3a_turbo: { dailyGenerations: 3 },
      },
    } satisfies ProviderAccount);
  });

  it('leaves what is missing or mistyped unknown', () => {
    expect(
      parseRunwayOrganization({
        creditBalance: '100',
        tier: { models: { gen4_turbo: { maxConcurrentGenerations: 'two' }, veo3: null } },
        usage: null,
      }),
    ).toStrictEqual({ models: {} });
  });

  it('keeps models named __proto__ or constructor as data, never touching Object.prototype', () => {
    const body = JSON.parse(
      '{"tier":{"models":{"__proto__":{"maxConcurrentGenerations":1},"constructor":{"maxDailyGenerations":3}}},' +
        '"usage":{"models":{"__proto__":{"dailyGenerations":2}}}}',
    ) as unknown;
    const account = parseRunwayOrganization(body);
    expect(({} as Record<string, unknown>).maxConcurrentGenerations).toBeUndefined();
    expect(({} as Record<string, unknown>).dailyGenerations).toBeUndefined();
    expect(Object.getOwnPropertyNames(account.models).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(account.models, '__proto__')?.value).toEqual({
      maxConcurrentGenerations: 1,
      dailyGenerations: 2,
    });
    // A later, clean reply inherits nothing.
    const clean = parseRunwayOrganization({ tier: { models: { 'gen4.5': { maxDailyGenerations: 5 } } } });
    expect(clean.models['gen4.5']).toStrictEqual({ maxDailyGenerations: 5 });
    expect(clean.models['gen4.5']!.maxConcurrentGenerations).toBeUndefined();
  });

  it.each([null, 'ok', []])('refuses %j as a protocol error', (body) => {
    expect(() => parseRunwayOrganization(body)).toThrow(expect.objectContaining({ kind: 'protocol' }));
  });
});
