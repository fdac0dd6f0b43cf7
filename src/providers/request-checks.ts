import type { AspectRatio } from '../contract/catalogue';
import { ProviderError, type ProviderModelSettings } from './types';

/** A request the provider would reject; raised before anything is sent. */
export function invalidRequest(message: string): ProviderError {
  return new ProviderError('validation', message, { requestSent: false });
}

/**
 * The duration as decided before the request (domain `fitDuration` over the catalogue's list, a narrowing of the
 * model's): the adapter sends it or refuses it, and never fits it again on a list of its own.
 */
export function checkDuration(label: string, durationSec: number, allowedSec: readonly number[]): number {
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw invalidRequest(`duration must be a positive number of seconds, got ${durationSec}`);
  }
  if (!allowedSec.includes(durationSec)) {
    throw invalidRequest(`${label} cannot render ${durationSec} s (allowed: ${allowedSec.join(', ')} s)`);
  }
  return durationSec;
}

/** Refuses ratios the model cannot render; the value sent for one is the model's fact (`aspectValue`). */
export function checkAspect(label: string, aspect: AspectRatio, supported: readonly AspectRatio[]): void {
  if (!supported.includes(aspect)) {
    throw invalidRequest(`${label} cannot render aspect ratio ${aspect} (supported: ${supported.join(', ')})`);
  }
}

/** Refuses a prompt over the model's limit, counted in UTF-16 code units as the APIs count it (String#length). */
export function checkPrompt(label: string, prompt: string | undefined, maxChars: number | undefined): void {
  if (prompt !== undefined && maxChars !== undefined && prompt.length > maxChars) {
    throw invalidRequest(`${label} is ${prompt.length} characters; the limit is ${maxChars}`);
  }
}

/** Drops absent members so a built body equals exactly what goes over the wire. */
export function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The catalogue settings one model's adapter reads: the task types it sends (absent: the route takes none) and, per
 * option, the values it sends as they are (`integer`: any whole number). Anything else would be dropped or sent
 * unpriced, so a catalogue entry naming it is refused at load.
 */
export interface RequestSettings {
  taskTypes?: readonly string[];
  options: Readonly<Record<string, readonly (string | number | boolean)[] | { min: number; max: number }>>;
}

/** What is wrong with an entry's `taskType` and `options` for the model's adapter, naming the field; undefined if nothing. */
export function settingsIssue(
  label: string,
  spec: RequestSettings,
  settings: Pick<ProviderModelSettings, 'taskType' | 'options'>,
): { path: string[]; message: string } | undefined {
  const { taskType, options = {} } = settings;
  if (taskType !== undefined && !spec.taskTypes?.includes(taskType)) {
    const what = spec.taskTypes ? `set one of ${spec.taskTypes.join(', ')}` : 'this route takes none';
    return { path: ['taskType'], message: `${label} has no taskType "${taskType}" (leave it out, or ${what})` };
  }
  for (const [name, value] of Object.entries(options)) {
    const allowed = Object.hasOwn(spec.options, name) ? spec.options[name]! : undefined;
    if (allowed === undefined) {
      const known = Object.keys(spec.options);
      const what = known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes none';
      return { path: ['options', name], message: `${label} takes no option "${name}" (${what})` };
    }
    const ok =
      'min' in allowed
        ? Number.isInteger(value) && Number(value) >= allowed.min && Number(value) <= allowed.max
        : allowed.includes(value);
    if (!ok) {
      const what =
        'min' in allowed ? `a whole number from ${allowed.min} to ${allowed.max}` : `one of ${allowed.join(', ')}`;
      return {
        path: ['options', name],
        message: `${label} has no ${name} ${JSON.stringify(value)} (leave it out, or set ${what})`,
      };
    }
  }
  return undefined;
}
