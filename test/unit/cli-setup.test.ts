import { ServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { setupReport, setUpNamespace, type SetupRequest } from '../../src/cli/commands/setup';
import { CliError, exitCodes } from '../../src/cli/errors';
import { temporalError } from '../../src/cli/session';
import {
  checkNamespaceSetup,
  NamespaceSetupError,
  type OperatorConnection,
} from '../../src/config/namespace-search-attributes';

const { IndexedValueType: T } = temporal.api.enums.v1;
const ours = {
  ProjectId: T.INDEXED_VALUE_TYPE_KEYWORD,
  SceneId: T.INDEXED_VALUE_TYPE_KEYWORD,
  SceneType: T.INDEXED_VALUE_TYPE_KEYWORD,
  VideoProvider: T.INDEXED_VALUE_TYPE_KEYWORD,
  VideoStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
  CostUsd: T.INDEXED_VALUE_TYPE_DOUBLE,
};
const grpcError = (code: number, details = 'refused') =>
  Object.assign(new Error(`${code} X: ${details}`), { code, details, metadata: {} });
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;

/** An Operator service over an in-memory namespace, recording what it was asked to add. */
function fakeServer(registered: Record<string, number>, fail: { list?: Error; add?: Error } = {}) {
  const added: Record<string, number>[] = [];
  const operatorService = {
    listSearchAttributes: async () => {
      if (fail.list) throw fail.list;
      return { customAttributes: { ...registered }, systemAttributes: { WorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD } };
    },
    addSearchAttributes: async (req: { searchAttributes: Record<string, number> }) => {
      if (fail.add) throw fail.add;
      added.push(req.searchAttributes);
      Object.assign(registered, req.searchAttributes);
      return {};
    },
  };
  const conn = {
    operatorService,
    withDeadline: (_deadline: number | Date, fn: () => Promise<unknown>) => fn(),
  } as unknown as OperatorConnection;
  return { conn, added, registered };
}

const selfHosted: SetupRequest = { namespace: 'default', temporalCloud: false, check: false };

describe('scene-video setup against a namespace', () => {
  it('adds the missing ones with their types, then a second run finds them all and changes nothing', async () => {
    const { CostUsd: _c, SceneId: _s, ...some } = ours;
    const server = fakeServer({ ...some });
    const first = setupReport(await setUpNamespace(server.conn, selfHosted));
    expect(server.added).toEqual([{ SceneId: T.INDEXED_VALUE_TYPE_KEYWORD, CostUsd: T.INDEXED_VALUE_TYPE_DOUBLE }]);
    expect(first.exitCode).toBe(exitCodes.ok);
    expect(first.changed).toBe(true);
    expect(first.attributes.filter((a) => a.state === 'added').map((a) => a.name)).toEqual(['SceneId', 'CostUsd']);
    expect(first.summary).toEqual(['Added SceneId, CostUsd.', 'Namespace default is ready for scene-video.']);

    const second = setupReport(await setUpNamespace(server.conn, selfHosted));
    expect(server.added).toHaveLength(1);
    expect(second).toMatchObject({ exitCode: exitCodes.ok, changed: false, commands: {} });
    expect(second.attributes.every((a) => a.state === 'present')).toBe(true);
    expect(second.summary).toEqual(['All 6 search attributes scene-video needs are present; nothing to do.']);
  });

  it('reports an attribute of another type with what to do, never changes it, and exits 1', async () => {
    const server = fakeServer({ VideoStatus: T.INDEXED_VALUE_TYPE_TEXT });
    const report = setupReport(await setUpNamespace(server.conn, selfHosted));
    expect(Object.keys(server.added[0]!)).not.toContain('VideoStatus');
    expect(server.registered.VideoStatus).toBe(T.INDEXED_VALUE_TYPE_TEXT);
    expect(report.exitCode).toBe(exitCodes.failed);
    expect(report.attributes.find((a) => a.name === 'VideoStatus')).toMatchObject({
      state: 'wrong type',
      type: 'Keyword',
      actualType: 'Text',
    });
    expect(report.attributes.find((a) => a.name === 'VideoStatus')?.fix).toMatch(
      /^if nothing else uses VideoStatus, remove it \(`temporal operator search-attribute remove --namespace default --name VideoStatus --yes`\)/,
    );
    expect(report.summary).toEqual(['Added ProjectId, SceneId, SceneType, VideoProvider, CostUsd.']);
  });

  it('--check changes nothing and exits 5 while some are missing', async () => {
    const server = fakeServer({});
    const report = setupReport(await setUpNamespace(server.conn, { ...selfHosted, check: true }));
    expect(server.added).toEqual([]);
    expect(report.exitCode).toBe(exitCodes.setupNeeded);
    expect(report.attributes.every((a) => a.state === 'missing')).toBe(true);
    expect(report.summary[0]).toMatch(
      /^--check: nothing changed\. Missing: ProjectId, .*CostUsd; `scene-video setup` adds them\.$/,
    );
  });

  it('on Temporal Cloud adds nothing and prints the one tcld command for the missing ones (exit 5)', async () => {
    const { CostUsd: _c, ...some } = ours;
    const server = fakeServer({ ...some });
    const cloud = { namespace: 'videos.a1b2c', temporalCloud: true, check: false };
    const report = setupReport(await setUpNamespace(server.conn, cloud));
    expect(server.added).toEqual([]);
    expect(report.exitCode).toBe(exitCodes.setupNeeded);
    expect(report.commands).toEqual({
      tcld: 'tcld namespace search-attributes add --namespace videos.a1b2c --search-attribute "CostUsd=Double"',
    });
  });

  it('a server that refuses to list them: nothing read or changed, the commands for all six (exit 5)', async () => {
    const server = fakeServer({}, { list: grpcError(PERMISSION_DENIED) });
    const cloud = { namespace: 'videos.a1b2c', temporalCloud: true, check: false };
    const outcome = await setUpNamespace(server.conn, cloud);
    expect(outcome.refused).toEqual({ call: 'ListSearchAttributes', code: 'PERMISSION_DENIED' });
    const report = setupReport(outcome);
    expect(report.exitCode).toBe(exitCodes.setupNeeded);
    expect(report.attributes.every((a) => a.state === 'unknown')).toBe(true);
    expect(report.commands.tcld).toContain('--search-attribute "ProjectId=Keyword"');
    expect(report.commands.temporal).toBeUndefined();
    expect(report.summary.join(' ')).toContain('tcld refuses the whole command if one does');
  });

  it('a self-hosted server that refuses to add them: the Temporal CLI commands for an admin, and tcld (exit 5)', async () => {
    const { CostUsd: _c, ...noCost } = ours;
    const server = fakeServer(noCost, { add: grpcError(PERMISSION_DENIED) });
    const report = setupReport(await setUpNamespace(server.conn, selfHosted));
    expect(report.exitCode).toBe(exitCodes.setupNeeded);
    expect(report.changed).toBe(false);
    expect(report.summary[0]).toBe('The server refused to add CostUsd (PERMISSION_DENIED), so nothing was changed.');
    expect(report.commands).toEqual({
      temporal: ['temporal operator search-attribute create --namespace default --name CostUsd --type Double'],
      tcld: 'tcld namespace search-attributes add --namespace default --search-attribute "CostUsd=Double"',
    });
  });

  it('any other failure is thrown as it came, for the CLI to map', async () => {
    const unavailable = grpcError(UNAVAILABLE);
    await expect(setUpNamespace(fakeServer({}, { list: unavailable }).conn, selfHosted)).rejects.toBe(unavailable);
  });
});

describe('the check at connect (workers and clients)', () => {
  it('passes a complete namespace, and fails one that is not in one line naming what is wrong', async () => {
    await expect(checkNamespaceSetup(fakeServer({ ...ours }).conn, 'default')).resolves.toEqual({ checked: true });
    const { SceneId: _s, ...rest } = ours;
    const err = await checkNamespaceSetup(fakeServer({ ...rest, CostUsd: T.INDEXED_VALUE_TYPE_INT }).conn, 'default')
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NamespaceSetupError);
    expect((err as Error).message).toBe(
      'Namespace default has search attributes of the wrong type for scene-video: CostUsd is Int, not Double; and ' +
        'it lacks the search attribute SceneId: `scene-video setup` never changes a type; run it to see how to fix ' +
        'this, or set TEMPORAL_NAMESPACE to a namespace of its own.',
    );
  });

  it('is skipped, never failed, when the server refuses the call (Temporal Cloud) or does not answer', async () => {
    const refusing = fakeServer({}, { list: grpcError(PERMISSION_DENIED) });
    await expect(checkNamespaceSetup(refusing.conn, 'default')).resolves.toEqual({
      checked: false,
      refused: true,
      reason: 'PERMISSION_DENIED',
    });
    const down = fakeServer({}, { list: grpcError(UNAVAILABLE, 'connection refused') });
    await expect(checkNamespaceSetup(down.conn, 'default')).resolves.toEqual({
      checked: false,
      refused: false,
      reason: 'UNAVAILABLE',
    });
  });

  it('reads a type this SDK does not know as the server names it, a conflict rather than a crash', async () => {
    const plan = await checkNamespaceSetup(fakeServer({ ...ours, SceneId: 99 }).conn, 'default').catch(
      (e: NamespaceSetupError) => e.plan,
    );
    expect(plan).toMatchObject({ conflicts: [{ name: 'SceneId', actual: 'type 99' }] });
  });
});

describe("the CLI's reading of Temporal's errors", () => {
  it('"no mapping defined for search attribute" points at `scene-video setup`, never at reachability', () => {
    for (const cause of [
      grpcError(3, 'Namespace default has no mapping defined for search attribute SceneId'),
      Object.assign(
        new Error('3 INVALID_ARGUMENT: Namespace default has no mapping defined for search attribute SceneId'),
        {
          code: 3,
        },
      ),
    ]) {
      const mapped = temporalError(new ServiceError('Failed to start Workflow', { cause }));
      expect(mapped).toBeInstanceOf(CliError);
      expect((mapped as CliError).hint).toMatch(
        /^The namespace lacks search attributes scene-video writes: run `scene-video setup`/,
      );
      expect((mapped as CliError).hint).not.toContain('reachable');
    }
  });

  it("a raw service call's NOT_FOUND namespace says to set TEMPORAL_NAMESPACE", () => {
    const mapped = temporalError(grpcError(5, 'Namespace nope is not found.')) as CliError;
    expect(mapped.message).toBe('Namespace nope is not found.');
    expect(mapped.hint).toBe('Set TEMPORAL_NAMESPACE to an existing namespace.');
  });
});
