import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { presignedGetUrl, presignedUrlExpiresAt } from '../../src/client/object-urls';

const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

/** When S3 stops honouring the URL: its signature's date plus its lifetime. */
function actualExpiry(url: string): number {
  const q = new URL(url).searchParams;
  const [, y, mo, d, h, mi, sec] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(q.get('X-Amz-Date')!)!.map(Number);
  return Date.UTC(y!, mo! - 1, d, h, mi, sec) + Number(q.get('X-Amz-Expires')) * 1000;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('presignedUrlExpiresAt', () => {
  it('never promises a presigned URL later than S3 honours it (the signature is dated to the whole second)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00.900Z'));
    const from = Date.now();
    const url = await presignedGetUrl(s3, { bucket: 'clips', key: 'a b+c/日本.mp4' }, 90);
    expect(Date.parse(presignedUrlExpiresAt(from, 90))).toBeLessThanOrEqual(actualExpiry(url));
    expect(presignedUrlExpiresAt(from, 90)).toBe('2026-12-06T10:01:30.000Z');
  });
});
