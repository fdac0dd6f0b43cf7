import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type ScenarioInput, scenarioSchema } from '../../dev/sandbox';
import { waitFor } from '../helpers/wait-for';
import { call, fast, klingBody, piapi } from './http';
import { useSandbox } from './use-sandbox';

interface Received {
  path: string;
  secret: string | undefined;
  body: { timestamp: number; data: { task_id: string; status: string } };
  text: string;
  at: number;
}

const SECRET = 'sandbox-webhook-secret-0123456789abcdef';
const TOKEN = 'v1.c2NlbmUtaG9vaw.Zm9yZ2VkLXRva2VuLXNhbXBsZS0wMTIzNDU2Nzg5';
const PATH = `/webhooks/piapi/${TOKEN}`;
const ATTACKER_URL = 'https://attacker.invalid/forged.mp4';

let sb: Sandbox;
let api: ReturnType<typeof piapi>;
let receiver: Server;
let origin: string;
let received: Received[] = [];
/** The receiver's answer; tests replace it to take the receiver down. */
let answer: (r: Received) => number = () => 200;

useSandbox((started) => {
  sb = started;
  api = piapi(started);
});

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const r = {
        path: req.url ?? '',
        secret: req.headers['x-webhook-secret'] as string | undefined,
        body: JSON.parse(text) as Received['body'],
        text,
        at: Date.now(),
      };
      received.push(r);
      res.writeHead(answer(r)).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

const genuine = (r: Received, id: string) => r.path === PATH && r.secret === SECRET && r.body.data.task_id === id;

/** Creates a task that registers the receiver, waits until it ended and every webhook it caused has been answered. */
async function runTask(): Promise<{ id: string; createdAt: number }> {
  const before = sb.stats().webhooks;
  const createdAt = Date.now();
  const created = await api.create(klingBody({}, { webhook_config: { endpoint: `${origin}${PATH}`, secret: SECRET } }));
  const id = created.json.data.task_id as string;
  await api.until(id, 'completed');
  await waitFor(
    async () => {
      const w = sb.stats().webhooks;
      const forgeries = Object.values(w.forged);
      const answered = forgeries.reduce((n, f) => n + Object.values(f.answered).reduce((a, b) => a + b, 0), 0);
      return (
        w.sent + w.lost - before.sent - before.lost === 3 &&
        w.delivered + w.failed === w.sent + w.duplicated &&
        answered === forgeries.reduce((n, f) => n + f.sent, 0)
      );
    },
    10_000,
    10,
  );
  return { id, createdAt };
}

function use(webhook: ScenarioInput['webhook'], extra: ScenarioInput = {}): void {
  sb.setScenario({ ...fast, ...extra, webhook: { retryDelayMs: 10, ...webhook } });
  sb.reset();
  received = [];
  answer = () => 200;
}

const statuses = (rs: Received[], id: string) => rs.filter((r) => genuine(r, id)).map((r) => r.body.data.status);

/** How many characters differ between two strings of the same length (Infinity when the lengths differ). */
function differences(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  return [...a].filter((c, i) => c !== b[i]).length;
}

describe('sandbox webhook faults', () => {
  it('without faults: every status once, in order, and the counters say so', async () => {
    use({});
    const { id } = await runTask();
    expect(statuses(received, id)).toEqual(['pending', 'processing', 'completed']);
    expect(sb.stats().webhooks).toMatchObject({
      attempts: 3,
      delivered: 3,
      failed: 0,
      sent: 3,
      lost: 0,
      duplicated: 0,
      delayed: 0,
      reordered: 0,
      forged: {
        wrong_secret: { sent: 0 },
        missing_secret: { sent: 0 },
        cross_task: { sent: 0 },
        tampered_token: { sent: 0 },
      },
    });
  });

  it('lose: the notification never arrives, not even by redelivery', async () => {
    use({ lose: { times: 1 } });
    const { id } = await runTask();
    expect(statuses(received, id)).toEqual(['processing', 'completed']);
    expect(sb.stats().webhooks).toMatchObject({ sent: 2, lost: 1, attempts: 2, delivered: 2 });
  });

  it('duplicate: byte-identical copies right after the first', async () => {
    use({ duplicate: { times: 1, copies: 2 } });
    const { id } = await runTask();
    expect(statuses(received, id)).toEqual(['pending', 'pending', 'pending', 'processing', 'completed']);
    const pendings = received.filter((r) => r.body.data.status === 'pending');
    expect(new Set(pendings.map((r) => r.text)).size).toBe(1);
    expect(sb.stats().webhooks).toMatchObject({ sent: 3, duplicated: 2, attempts: 5, delivered: 5 });
  });

  it('delayMs: a fixed delay holds every notification back, in order', async () => {
    use({ delayMs: 300 });
    const { id, createdAt } = await runTask();
    expect(statuses(received, id)).toEqual(['pending', 'processing', 'completed']);
    // A lower bound only: the first notification cannot arrive before its delay has passed.
    expect(received[0]!.at - createdAt).toBeGreaterThanOrEqual(290);
    expect(sb.stats().webhooks).toMatchObject({ sent: 3, delayed: 3 });
  });

  it('delayMs: a {min, max} range, scaled by timeScale like every time', async () => {
    use({ delayMs: { min: 100, max: 200 } }, { timeScale: 2 });
    const { id, createdAt } = await runTask();
    expect(statuses(received, id)).toEqual(['pending', 'processing', 'completed']);
    expect(received[0]!.at - createdAt).toBeGreaterThanOrEqual(190);
    expect(sb.stats().webhooks.delayed).toBe(3);
    expect(() => sb.setScenario({ webhook: { delayMs: { min: 5, max: 1 } } })).toThrow(/min must not exceed max/);
  });

  it('reorder: a held notification follows the next one sent', async () => {
    use({ reorder: {} });
    const { id } = await runTask();
    // `pending` held back behind `processing`; `processing` is not held while `pending` is.
    expect(statuses(received, id)).toEqual(['processing', 'pending', 'completed']);
    expect(sb.stats().webhooks).toMatchObject({ sent: 3, reordered: 1 });
  });

  it('reorder: the terminal notification before processing', async () => {
    use({ lose: { times: 1 }, reorder: {} });
    const { id } = await runTask();
    expect(statuses(received, id)).toEqual(['completed', 'processing']);
    expect(sb.stats().webhooks).toMatchObject({ sent: 2, lost: 1, reordered: 1 });
  });

  it('forge: four forgeries, each with its one defect, arrive while the task still runs', async () => {
    use({ forge: { times: 1 } });
    // Another task, so the cross-task forgery has a genuine body to replay.
    const other = (await api.create(klingBody({ prompt: 'another scene' }))).json.data.task_id as string;
    answer = (r) => (r.secret === SECRET && r.path === PATH ? 200 : 401);
    const { id } = await runTask();
    const forged = received.filter((r) => !genuine(r, id));
    expect(forged).toHaveLength(4);
    // All four come before the genuine `pending`: the task had not started when they claimed it had.
    expect(received.findIndex((r) => genuine(r, id))).toBe(4);
    const [wrongSecret, missingSecret, crossTask, tamperedToken] = forged;

    for (const claim of [wrongSecret!, missingSecret!, tamperedToken!]) {
      expect(claim.body.data).toMatchObject({ task_id: id, status: 'completed' });
      expect(claim.text).toContain(ATTACKER_URL);
      expect(Object.keys(claim.body).sort()).toEqual(['data', 'timestamp']);
    }
    expect(wrongSecret!.path).toBe(PATH);
    expect(differences(wrongSecret!.secret!, SECRET)).toBe(1);
    expect(missingSecret!.path).toBe(PATH);
    expect(missingSecret!.secret).toBeUndefined();
    expect(tamperedToken!.secret).toBe(SECRET);
    expect(tamperedToken!.path.startsWith('/webhooks/piapi/')).toBe(true);
    expect(differences(tamperedToken!.path, PATH)).toBe(1);

    expect(crossTask!.path).toBe(PATH);
    expect(crossTask!.secret).toBe(SECRET);
    expect(crossTask!.body.data.task_id).toBe(other);
    expect(crossTask!.text).not.toContain(ATTACKER_URL);

    expect(statuses(received, id)).toEqual(['pending', 'processing', 'completed']);
    // The control endpoint a chaos run reads serves the same counters.
    expect((await call(`${sb.origin}/__sandbox/stats`)).json.webhooks.forged).toEqual(sb.stats().webhooks.forged);
    expect(sb.stats().webhooks.forged).toEqual({
      wrong_secret: { sent: 1, answered: { 401: 1 } },
      missing_secret: { sent: 1, answered: { 401: 1 } },
      cross_task: { sent: 1, answered: { 200: 1 } },
      tampered_token: { sent: 1, answered: { 401: 1 } },
    });
  });

  it('forge: cross_task without another task makes one up; kinds and url choose what is sent', async () => {
    use({ forge: { times: 1, kinds: ['cross_task'], url: 'https://evil.invalid/a.mp4' } });
    const { id } = await runTask();
    const forged = received.filter((r) => !genuine(r, id));
    expect(forged).toHaveLength(1);
    expect(forged[0]!.body.data.task_id).not.toBe(id);
    expect(forged[0]!.body.data.status).toBe('completed');
    expect(forged[0]!.text).toContain('https://evil.invalid/a.mp4');
    expect(sb.stats().webhooks.forged.cross_task.sent).toBe(1);
    expect(sb.stats().webhooks.forged.wrong_secret.sent).toBe(0);
  });

  it('redelivery outlasts a receiver down for 60 s (12 × 10 s, here at timeScale 0.01)', async () => {
    expect(() => scenarioSchema.parse({ webhook: { retries: 12, retryDelayMs: 10_000 } })).not.toThrow();
    use({ retries: 12, retryDelayMs: 10_000 }, { timeScale: 0.01 });
    const upAt = Date.now() + 600;
    answer = () => (Date.now() < upAt ? 503 : 200);
    const { id } = await runTask();
    expect(statuses(received, id).filter((_, i, all) => all[i - 1] !== all[i])).toEqual([
      'pending',
      'processing',
      'completed',
    ]);
    const w = sb.stats().webhooks;
    expect(w).toMatchObject({ sent: 3, delivered: 3, failed: 0 });
    expect(w.attempts).toBeGreaterThan(3);
  });

  it('the same seed replays the same decisions', async () => {
    const chaos = {
      lose: { rate: 0.3 },
      duplicate: { rate: 0.3, copies: 1 },
      reorder: { rate: 0.3 },
      forge: { rate: 0.3, kinds: ['wrong_secret' as const, 'tampered_token' as const] },
      delayMs: { min: 0, max: 30 },
    };
    const run = async () => {
      use(chaos);
      const trace: string[][] = [];
      for (let i = 0; i < 6; i++) {
        const { id } = await runTask();
        trace.push(
          received.map(
            (r) => `${genuine(r, id) ? 'genuine' : r.secret === SECRET ? 'token' : 'secret'}:${r.body.data.status}`,
          ),
        );
        received = [];
      }
      return { trace, stats: sb.stats().webhooks };
    };
    const first = await run();
    const second = await run();
    expect(second.trace).toEqual(first.trace);
    expect(second.stats).toEqual(first.stats);
    // The seed does exercise every knob, so the comparison means something.
    for (const knob of ['lost', 'duplicated', 'reordered', 'delayed'] as const)
      expect(first.stats[knob]).toBeGreaterThan(0);
    expect(first.stats.forged.tampered_token.sent).toBeGreaterThan(0);
  });
});
