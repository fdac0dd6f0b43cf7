import type { Client } from '@temporalio/client';
import type { Sandbox } from '../../../dev/sandbox';
import { s3ClientFor, type S3Endpoint } from '../../../dev/stack/s3-server';
import { terminateStuck, type SceneOutcome } from './outcomes';
import { auditPayments } from './payment-audit';
import { addAudits, type ScenarioReport } from './report';
import { auditStorage } from './storage-audit';

export interface Conclusion {
  client: Client;
  sandbox: Sandbox;
  outcomes: SceneOutcome[];
  stuck: Set<string>;
  /** Also reconciles this S3 server under `prefix` with the stored clips, each `videoBytes` long. */
  storage?: { endpoint: S3Endpoint; prefix: string; videoBytes: number };
}

/** A scenario's last step: audit the payments (and S3) into the report, then terminate whatever is still stuck. */
export async function concludeScenario(report: ScenarioReport, c: Conclusion): Promise<ScenarioReport> {
  const payments = auditPayments(c.outcomes, c.sandbox.stats());
  if (c.storage) {
    const { endpoint, prefix, videoBytes } = c.storage;
    const s3 = s3ClientFor(endpoint);
    try {
      addAudits(report, c.outcomes, payments, await auditStorage(s3, endpoint.bucket, prefix, c.outcomes, videoBytes));
    } finally {
      s3.destroy();
    }
  } else {
    addAudits(report, c.outcomes, payments);
  }
  await terminateStuck(c.client, c.stuck);
  return report;
}
