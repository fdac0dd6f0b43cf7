import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { mapLimit } from './concurrency';

export type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
export type HistoryEvent = NonNullable<History['events']>[number];

/** temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT */
const TIMEOUT_TYPE_HEARTBEAT = 4;

export async function fetchHistories(client: Client, workflowIds: readonly string[]): Promise<History[]> {
  return mapLimit(workflowIds, 16, (id) => client.workflow.getHandle(id).fetchHistory());
}

export function events(history: History): HistoryEvent[] {
  return history.events ?? [];
}

export function eventMs(e: HistoryEvent): number {
  return tsToMs(e.eventTime);
}

export interface ActivityRun {
  type: string;
  scheduledMs: number;
  /** The last attempt's start: history records one started event per activity, written when the activity closes. */
  startedMs?: number;
  closedMs?: number;
  outcome: 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'open';
  attempt: number;
  /** The activity, or an earlier attempt of it, timed out on its heartbeat. */
  heartbeatTimeout: boolean;
  anyTimeout: boolean;
}

/** Every activity of a history, in scheduling order, joined across its scheduled/started/closed events. */
export function activityRuns(history: History): ActivityRun[] {
  const runs = new Map<string, ActivityRun>();
  const key = (id: unknown) => String(id);
  for (const e of events(history)) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      runs.set(key(e.eventId), {
        type: scheduled.activityType?.name ?? '?',
        scheduledMs: eventMs(e),
        outcome: 'open',
        attempt: 1,
        heartbeatTimeout: false,
        anyTimeout: false,
      });
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const run = runs.get(key(started.scheduledEventId));
      if (!run) continue;
      run.startedMs = eventMs(e);
      run.attempt = started.attempt ?? 1;
      const timeout = started.lastFailure?.timeoutFailureInfo;
      if (timeout) {
        run.anyTimeout = true;
        run.heartbeatTimeout ||= timeout.timeoutType === TIMEOUT_TYPE_HEARTBEAT;
      }
      continue;
    }
    const closed: [ActivityRun['outcome'], { scheduledEventId?: unknown } | null | undefined][] = [
      ['completed', e.activityTaskCompletedEventAttributes],
      ['failed', e.activityTaskFailedEventAttributes],
      ['timed-out', e.activityTaskTimedOutEventAttributes],
      ['cancelled', e.activityTaskCanceledEventAttributes],
    ];
    for (const [outcome, attrs] of closed) {
      if (!attrs) continue;
      const run = runs.get(key(attrs.scheduledEventId));
      if (!run) continue;
      run.outcome = outcome;
      run.closedMs = eventMs(e);
      const timeout = e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo;
      if (timeout) {
        run.anyTimeout = true;
        run.heartbeatTimeout ||= timeout.timeoutType === TIMEOUT_TYPE_HEARTBEAT;
      }
    }
  }
  return [...runs.values()];
}

export function workflowStartMs(history: History): number {
  const first = events(history)[0];
  if (!first?.workflowExecutionStartedEventAttributes) throw new Error('history does not begin with a start event');
  return eventMs(first);
}

/** The highest number of intervals open at once (a sweep over start/end points). */
export function peakOverlap(intervals: readonly { from: number; to: number }[]): number {
  const points = intervals.flatMap((i) => [
    { at: i.from, d: 1 },
    { at: i.to, d: -1 },
  ]);
  // Ends before starts at the same instant: back-to-back intervals do not overlap.
  points.sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const p of points) peak = Math.max(peak, (open += p.d));
  return peak;
}

export interface Stall {
  /** The longest wait between two consecutive events, and which events bound it. */
  longestGapMs: number;
  gapAfter: string;
  gapBefore: string;
  retried: string[];
  workflowTaskTimeouts: number;
  workflowTaskFailures: number;
}

function eventName(e: HistoryEvent): string {
  const attrs = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k as keyof HistoryEvent] != null);
  return attrs?.replace(/EventAttributes$/, '') ?? '?';
}

/** Where a slow workflow spent its time: the longest quiet stretch of its history, retries, workflow task trouble. */
export function stallOf(history: History): Stall {
  const list = events(history);
  let stall = { longestGapMs: 0, gapAfter: '', gapBefore: '' };
  for (let i = 1; i < list.length; i++) {
    const gap = eventMs(list[i]!) - eventMs(list[i - 1]!);
    if (gap > stall.longestGapMs)
      stall = { longestGapMs: gap, gapAfter: eventName(list[i - 1]!), gapBefore: eventName(list[i]!) };
  }
  return {
    ...stall,
    retried: activityRuns(history)
      .filter((r) => r.attempt > 1)
      .map((r) => `${r.type} attempt ${r.attempt}`),
    workflowTaskTimeouts: list.filter((e) => e.workflowTaskTimedOutEventAttributes).length,
    workflowTaskFailures: list.filter((e) => e.workflowTaskFailedEventAttributes).length,
  };
}
