import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { S3Endpoint } from '../../../dev/stack/s3-server';

export interface Secret {
  /** Printed in findings instead of the secret itself. */
  label: string;
  value: string;
}

/** The whole secret, and its head and tail, so a truncated echo (an excerpt cut at 200 characters) is caught too. */
function needles(secret: Secret): string[] {
  const v = secret.value;
  return v.length <= 40 ? [v] : [v, v.slice(0, 24), v.slice(-24)];
}

/** What a worker holds that nobody may read back: both provider keys and the S3 secret. */
export function workerSecrets(
  apiKeys: { piapi: string; runway: string },
  s3: Pick<S3Endpoint, 'secretAccessKey'>,
): Secret[] {
  return [
    { label: 'the PiAPI key', value: apiKeys.piapi },
    { label: 'the Runway key', value: apiKeys.runway },
    { label: 'the S3 secret key', value: s3.secretAccessKey },
  ];
}

export function findSecrets(where: string, text: string, secrets: Secret[]): string[] {
  return secrets.filter((s) => needles(s).some((n) => text.includes(n))).map((s) => `${s.label} found in ${where}`);
}

/** Everything a workflow leaves in Temporal that an operator can read: full history, search attributes, memo. */
export async function scanWorkflows(client: Client, workflowIds: string[], secrets: Secret[]): Promise<string[]> {
  const findings: string[] = [];
  for (const id of workflowIds) {
    const handle = client.workflow.getHandle(id);
    const history = historyToJSON(await handle.fetchHistory());
    findings.push(...findSecrets(`history of ${id}`, history, secrets));
    // Payloads in history are base64; decode every data field so a key inside a JSON payload cannot hide.
    findings.push(...findSecrets(`decoded payloads of ${id}`, decodePayloads(history), secrets));
    const description = await handle.describe();
    const visible = JSON.stringify({
      searchAttributes: description.typedSearchAttributes,
      memo: description.memo,
      summary: await description.staticSummary(),
    });
    findings.push(...findSecrets(`search attributes/memo of ${id}`, visible, secrets));
  }
  return findings;
}

function decodePayloads(historyJson: string): string {
  const out: string[] = [];
  for (const m of historyJson.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g))
    out.push(Buffer.from(m[1]!, 'base64').toString('utf8'));
  return out.join('\n');
}
