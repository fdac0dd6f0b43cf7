import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HttpReply } from '../../../src/providers/http';
import { parsePiapiAccount, parsePiapiTask } from '../../../src/providers/piapi';
import { piapiErrorKind, replyMessage } from '../../../src/providers/piapi/errors';
import { parseRunwayOrganization, parseRunwayTask } from '../../../src/providers/runway';
import { httpError } from '../../../src/providers/runway/errors';
import { fixture, type Fixture } from '../../providers/stub-server';

/** Every object in `value`, at every depth (inside arrays too), with fields no API documents added. */
function withUnknownFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withUnknownFields);
  if (typeof value !== 'object' || value === null) return value;
  const own = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownFields(v)]));
  return { ...own, zzUnknown: { nested: [1, { deeper: null }], flag: true }, 'x-extra': 7, extra_list: [] };
}

function reply(f: Fixture, body: unknown): HttpReply {
  const headers = Object.fromEntries(Object.entries(f.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  // No text: messages must come from the parsed body, so the two bodies' messages are comparable.
  return { status: f.status ?? 200, headers, text: '', json: body };
}

/** What reading a reply body gives: the parse, or the error's kind and message. */
type Reader = (f: Fixture, body: unknown) => unknown;

const readers: Record<string, [RegExp, Reader][]> = {
  piapi: [
    [/^request-/, () => 'sent, not read'],
    [/^account-/, (_f, body) => parsePiapiAccount(body)],
    [
      /^error-/,
      (f, body) => {
        const message = replyMessage(reply(f, body));
        return { message, kind: piapiErrorKind(f.status ?? 200, message) };
      },
    ],
    [/./, (_f, body) => parsePiapiTask(body)],
  ],
  runway: [
    [/^request-/, () => 'sent, not read'],
    [/^organization/, (_f, body) => parseRunwayOrganization(body)],
    [
      /^error-/,
      (f, body) => {
        const err = httpError('Runway test', reply(f, body));
        return { kind: err.kind, message: err.message, retryAfterMs: err.retryAfterMs };
      },
    ],
    [/./, (_f, body) => parseRunwayTask(body)],
  ],
};

function outcome(read: () => unknown): unknown {
  try {
    return { parsed: read() };
  } catch (err) {
    return { threw: { kind: (err as { kind?: string }).kind, message: (err as Error).message } };
  }
}

const fixturesDir = path.join(__dirname, '..', '..', 'providers', 'fixtures');

describe.each(Object.keys(readers))('%s: unknown fields at every level change nothing', (api) => {
  const names = readdirSync(path.join(fixturesDir, api)).filter((n) => n.endsWith('.json'));

  it.each(names)('%s', (name) => {
    const f = fixture(`${api}/${name}`);
    const read = readers[api]!.find(([pattern]) => pattern.test(name))![1];
    expect(outcome(() => read(f, withUnknownFields(f.body)))).toStrictEqual(outcome(() => read(f, f.body)));
  });
});
