import type { SandboxStats } from '../../../dev/sandbox';
import type { FaultInput } from '../lib/fault-input';
import type { SceneOutcome } from '../lib/outcomes';

export type Route = 'runway' | 'kling';

export interface FaultCase {
  name: string;
  faults: FaultInput[];
  /**
   * same-provider: the fault is absorbed by a retry (or is only slowness) and the first provider delivers;
   * fell-through: the first provider's attempt fails with `reason` recorded and the next one delivers;
   * failed: the scene fails non-retryably with a message matching `reason`.
   */
  expect: 'same-provider' | 'fell-through' | 'failed';
  reason?: RegExp;
  /** The APIs the case is about, when not both (a status that means different things at each). */
  routes?: Route[];
  /** The fault hits every provider, not only the first. */
  everywhere?: boolean;
  /** Sandbox timing for the faulty provider when the default (100 ms queue, 500 ms render) does not fit. */
  timing?: { queueMs?: number; renderMs?: number };
  providerDeadlineMs?: number;
  /** Size of every served clip, when the case needs a big one. */
  videoBytes?: number;
  /** Takes minutes (retries exhausted with back-off): only in the full run. */
  slow?: boolean;
  check?: (c: CaseContext) => string[];
}

export interface CaseContext {
  outcome: SceneOutcome;
  stats: SandboxStats;
  /** Sandbox key of the faulty provider, e.g. `runway:gen4.5`. */
  key: string;
  route: Route;
}

const createRoute = (route: Route) => (route === 'runway' ? 'POST /v1/text_to_video' : 'POST /api/v1/task');

function creates(c: CaseContext, status?: number): number {
  const byStatus = c.stats.requests[createRoute(c.route)] ?? {};
  return Object.entries(byStatus)
    .filter(([s]) => status === undefined || Number(s) === status)
    .reduce((n, [, count]) => n + count, 0);
}

function tasksOf(c: CaseContext) {
  return c.stats.tasks.filter((t) => `${t.api}:${t.model}` === c.key);
}

/** Sends to the faulty provider's create endpoint, all statuses (the fallback uses the other API). */
const expectCreates =
  (n: number, what: string) =>
  (c: CaseContext): string[] => {
    const sent = creates(c);
    return sent === n ? [] : [`expected ${n} create request(s) (${what}), saw ${sent}`];
  };

/** The documented outcome of every sandbox fault kind; each case runs with the first provider of the chain faulty. */
export const faultCases: FaultCase[] = [
  {
    name: 'create 500 once',
    faults: [{ kind: 'create_5xx', status: 500, times: 1 }],
    expect: 'same-provider',
    check: expectCreates(2, 'a 5xx proves no task, so it is re-sent'),
  },
  {
    name: 'create 503 always',
    faults: [{ kind: 'create_5xx', status: 503 }],
    expect: 'fell-through',
    reason: /ProviderRejected: \w+ create: server \(HTTP 503\)/,
    check: expectCreates(4, 'three safe retries, then give up'),
  },
  {
    name: 'create 502 (gateway)',
    faults: [{ kind: 'create_5xx', status: 502 }],
    expect: 'fell-through',
    reason: /AmbiguousCreate: .*not re-sent/,
    check: expectCreates(1, 'a gateway error proves nothing, so never re-sent'),
  },
  {
    name: 'create 400',
    faults: [{ kind: 'create_4xx', status: 400 }],
    expect: 'fell-through',
    reason: /ProviderRejected: \w+ create: validation \(HTTP 400\)/,
    check: expectCreates(1, 'a rejection is final'),
  },
  // PiAPI does not say what its 429 means, so it is retried; Runway's is its daily generations cap, so it is not.
  {
    name: '429 with Retry-After, twice',
    routes: ['kling'],
    faults: [{ kind: 'rate_limit', retryAfterSec: 2, times: 2 }],
    expect: 'same-provider',
    check: expectCreates(3, 'retried after the advertised delay'),
  },
  {
    name: '429 without Retry-After, twice',
    routes: ['kling'],
    faults: [{ kind: 'rate_limit', times: 2 }],
    expect: 'same-provider',
    check: expectCreates(3, 'retried with back-off'),
  },
  {
    name: '429 always',
    routes: ['kling'],
    faults: [{ kind: 'rate_limit', retryAfterSec: 1 }],
    expect: 'fell-through',
    reason: /ProviderRejected: \w+ create: rate_limited \(HTTP 429\)/,
    check: expectCreates(4, 'three retries, then give up'),
  },
  {
    name: '429 once: the daily generations cap',
    routes: ['runway'],
    faults: [{ kind: 'rate_limit', retryAfterSec: 1, times: 1 }],
    expect: 'fell-through',
    reason: /ProviderRejected: runway create: quota_exhausted \(HTTP 429\).*maximum daily generations/,
    check: expectCreates(1, 'a cap is not retried'),
  },
  {
    name: 'auth (401)',
    faults: [{ kind: 'auth' }],
    expect: 'fell-through',
    reason: /ProviderRejected: \w+ create: auth \(HTTP 401\)/,
    check: expectCreates(1, 'a rejection is final'),
  },
  {
    name: 'insufficient credits',
    faults: [{ kind: 'insufficient_credits' }],
    expect: 'fell-through',
    reason: /ProviderRejected: \w+ create: insufficient_credits \(HTTP 40[02]\)/,
    check: expectCreates(1, 'a rejection is final'),
  },
  {
    name: 'task failed',
    faults: [{ kind: 'task_failed', message: 'GPU on fire' }],
    expect: 'fell-through',
    reason: /ProviderTaskFailed: .*GPU on fire/,
  },
  {
    name: 'content policy',
    faults: [{ kind: 'content_policy' }],
    expect: 'fell-through',
    reason: /ContentPolicy: /,
    check: (c) => {
      // Runway bills moderated generations; PiAPI refunds them.
      const cost = c.outcome.attempts[0]?.costUsd ?? 0;
      const billed = c.route === 'runway';
      return billed === cost > 0
        ? []
        : [`moderated attempt billed $${cost}, expected ${billed ? 'a charge' : 'nothing'}`];
    },
  },
  {
    name: 'hang past the deadline',
    faults: [{ kind: 'hang' }],
    expect: 'fell-through',
    // Roomy enough that the next provider delivers in time even on a loaded machine.
    providerDeadlineMs: 8_000,
    // The poll misses it (ProviderDeadlineMissed), or the server does when the poll never ran (schedule-to-close);
    // then the task is cancelled where the model can cancel it.
    reason:
      /no result within (the provider deadline|8000 ms)[^]*(remote task cancelled|cannot be cancelled; may still bill)/,
    check: (c) => {
      const attempt = c.outcome.attempts[0];
      const deleted = attempt?.taskId !== undefined && c.stats.deletes.includes(attempt.taskId);
      // Runway cancels a rendering task; Kling cancels only queued ones, so its hanging (rendering) task gets no
      // DELETE and counts as billed.
      if (c.route === 'runway') return deleted ? [] : ['the hanging task was not cancelled at the provider'];
      if (deleted) return ['a DELETE was sent for a rendering Kling task, which PiAPI cannot cancel'];
      return attempt?.notCancelled && attempt.costUsd > 0 ? [] : ['the uncancelled task was not labelled and billed'];
    },
  },
  {
    name: 'malformed create reply',
    faults: [{ kind: 'malformed_create' }],
    expect: 'fell-through',
    reason: /AmbiguousCreate: .*protocol/,
    check: (c) => {
      // The sandbox created and bills the task whose reply was garbled; the scene's cost must not call it free.
      const cost = c.outcome.attempts[0]?.costUsd ?? 0;
      return [
        ...expectCreates(1, 'the task may exist, so never re-sent')(c),
        ...(cost > 0 ? [] : ['the ambiguous create was counted at $0']),
      ];
    },
  },
  {
    name: 'malformed status twice',
    faults: [{ kind: 'malformed_get', times: 2 }],
    expect: 'same-provider',
  },
  {
    name: 'malformed status always',
    faults: [{ kind: 'malformed_get' }],
    expect: 'fell-through',
    // Still queued when polling gives up, so a cancel can stop the charge.
    timing: { queueMs: 120_000 },
    reason: /ProviderPollFailed: /,
    check: (c) => {
      const task = tasksOf(c)[0];
      return task?.deleted ? [] : ['the task nobody can poll any more was left running (it will still be billed)'];
    },
  },
  {
    name: 'download 404',
    faults: [{ kind: 'download_404' }],
    expect: 'fell-through',
    reason: /VideoDownloadFailed: .*HTTP 404/,
  },
  {
    name: 'download 404 once',
    faults: [{ kind: 'download_404', times: 1 }],
    expect: 'same-provider',
    // The task is fetched again for a fresh URL: the paid clip is stored, and nothing else is paid for.
    check: (c) => (tasksOf(c).length === 1 ? [] : [`${tasksOf(c).length} tasks paid at the faulty provider`]),
  },
  {
    name: 'create reply never ends',
    faults: [{ kind: 'oversized_create' }],
    expect: 'fell-through',
    reason: /AmbiguousCreate: .*reply exceeds \d+ bytes/,
    check: expectCreates(1, 'the task may exist, so never re-sent'),
  },
  {
    name: 'status reply of 60 MB, twice',
    faults: [{ kind: 'oversized_get', bytes: 60_000_000, times: 2 }],
    expect: 'same-provider',
  },
  {
    name: 'download truncated once',
    faults: [{ kind: 'download_truncated', times: 1, fraction: 0.4 }],
    expect: 'same-provider',
  },
  {
    name: 'download truncated always',
    faults: [{ kind: 'download_truncated', fraction: 0.4 }],
    expect: 'fell-through',
    reason: /VideoDownloadFailed: /,
    slow: true,
  },
  {
    name: 'download slow',
    faults: [{ kind: 'download_slow', bytesPerSec: 128 * 1024 }],
    expect: 'same-provider',
  },
  {
    // Below one heartbeat per 4 MiB within the upload's one-minute heartbeat timeout: a healthy transfer must not be
    // mistaken for a lost worker.
    name: 'download slower than 4 MiB a minute',
    faults: [{ kind: 'download_slow', bytesPerSec: 64 * 1024 }],
    videoBytes: 5 * 1024 * 1024,
    expect: 'same-provider',
    slow: true,
  },
  {
    name: 'unsafe video URL',
    faults: [{ kind: 'unsafe_url', url: 'https://169.254.169.254/latest/meta-data' }],
    expect: 'fell-through',
    reason: /UnsafeVideoUrl: .*non-public address 169\.254\.169\.254/,
  },
  {
    name: 'every provider fails',
    faults: [{ kind: 'task_failed', message: 'GPU on fire' }],
    everywhere: true,
    expect: 'failed',
    reason: /AllProvidersFailed: every provider failed .*1\. \w+: .*GPU on fire; 2\. \w+: .*GPU on fire/,
  },
];
