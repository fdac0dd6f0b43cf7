import { at, isRecord, nonEmptyString, numberLike } from '../json';
import { ProviderError, type ProviderAccount } from '../types';

/**
 * `GET /account/info`, documented only by third parties: `{code, data: {equivalent_in_usd, credits, plan, …}}`, or the
 * fields bare. Only what is there is reported: a balance the reply does not carry is unknown, not 0.
 */
export function parsePiapiAccount(body: unknown): ProviderAccount {
  const info = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(info)) throw new ProviderError('protocol', 'PiAPI GET /account/info: the reply is not account info');
  const account: ProviderAccount = { models: {} };
  const usd = numberLike(info.equivalent_in_usd);
  if (usd !== undefined) account.balanceUsd = usd;
  const credits = numberLike(info.credits);
  // Their unit is not documented: reported as they come, never converted.
  if (credits !== undefined) account.credits = { amount: credits, unit: 'credits' };
  const plan = nonEmptyString(info.plan) ?? nonEmptyString(at(info, 'plan', 'name'));
  if (plan !== undefined) account.plan = plan;
  return account;
}
