import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, portAcceptsConnections, waitUntil } from './free-port';
import { startManaged, type ManagedProcess } from './managed-process';

export interface S3Endpoint {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: true;
}

export interface S3Server extends S3Endpoint {
  process: ManagedProcess;
  dataDir: string;
  stop(): Promise<void>;
  /**
   * Once stopped: the server again on the same port, data directory and bucket, as a storage outage ends. The root
   * credentials are the same too (kept in the data directory), so running workers carry on.
   */
  startAgain(): Promise<S3Server>;
}

export interface S3ServerOptions {
  binary: string;
  dataDir: string;
  bucket: string;
  port?: number;
  logDir: string;
  readyDeadlineMs?: number;
}

export function s3ClientFor(endpoint: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    forcePathStyle: true,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
  });
}

interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The root credentials of the S3 server on `dataDir`: minted at random on the first start and kept in
 * `credentials.json` (mode 0600) next to the backend root, so a restart on the same data serves the same
 * credentials and clients holding them (running workers) keep working.
 */
function rootCredentials(dataDir: string): RootCredentials {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<RootCredentials>;
    if (typeof saved.accessKeyId !== 'string' || typeof saved.secretAccessKey !== 'string') {
      throw new Error(`${file} does not hold accessKeyId and secretAccessKey; delete it to mint new credentials`);
    }
    return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey };
  }
  const fresh: RootCredentials = {
    accessKeyId: `local${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('hex'),
  };
  writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return fresh;
}

/**
 * A real S3 gateway (versitygw, POSIX backend) on loopback. A fresh data directory gets random root credentials; a
 * restart on the same directory (pass the previous `port` too) serves the same ones, so existing clients still work.
 */
export async function startS3Server(opts: S3ServerOptions): Promise<S3Server> {
  const port = opts.port ?? (await freePort());
  const objects = join(opts.dataDir, 'objects');
  const meta = join(opts.dataDir, 'meta');
  mkdirSync(objects, { recursive: true });
  mkdirSync(meta, { recursive: true });
  const { accessKeyId, secretAccessKey } = rootCredentials(opts.dataDir);
  const proc = startManaged({
    name: 'versitygw',
    command: opts.binary,
    // Keep-alive as S3 itself does: versitygw otherwise answers every request with `Connection: close`, and each upload
    // pays for a new TCP connection on both sides.
    args: ['--port', `127.0.0.1:${port}`, '--keep-alive', '--quiet', 'posix', '--sidecar', meta, objects],
    env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
    logFile: join(opts.logDir, 'versitygw.log'),
  });
  const endpoint: S3Endpoint = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: opts.bucket,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: true,
  };
  try {
    await waitUntil('S3 server', () => portAcceptsConnections(port), opts.readyDeadlineMs ?? 60_000, proc.exited);
    await ensureBucket(endpoint);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}; see ${join(opts.logDir, 'versitygw.log')}`);
  }
  return {
    ...endpoint,
    process: proc,
    dataDir: opts.dataDir,
    stop: () => proc.stop(),
    startAgain: () => startS3Server({ ...opts, port }),
  };
}

async function ensureBucket(endpoint: S3Endpoint): Promise<void> {
  const s3 = s3ClientFor(endpoint);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: endpoint.bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: endpoint.bucket }));
  } finally {
    s3.destroy();
  }
}
