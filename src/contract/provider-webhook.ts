import { defineSignal } from '@temporalio/workflow';
import type { ProviderTaskSnapshot } from './provider-task';

/**
 * What a verified provider webhook tells the scene that created the task: its attempt (from the webhook's token, so a
 * late webhook of an earlier attempt is told apart) and the task as the provider reported it. The receiver signals it;
 * the workflow ignores a stale attempt, another task and every repeat of a terminal state.
 */
export interface ProviderTaskEvent {
  /** The scene's provider attempt the task was created for, from 1: bound into the webhook token. */
  attempt: number;
  snapshot: ProviderTaskSnapshot;
}

export const providerTaskEvent = defineSignal<[ProviderTaskEvent]>('providerTaskEvent');

/** The receiver's path for PiAPI webhooks; the token follows it as the last segment. */
export const piapiWebhookPath = '/webhooks/piapi/';
