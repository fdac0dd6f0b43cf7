import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect } from 'vitest';
import type { ActivityDeps } from '../../src/activities';
import type { UploadToS3Input, UploadToS3Output } from '../../src/contract/activities';
import { createUploadToS3 } from '../../src/activities/upload/upload-to-s3';

/** Runs the uploadToS3 activity with `d` on `input`, as a worker would, in `env` (a first attempt unless told). */
export function runUploadToS3(
  d: ActivityDeps,
  input: UploadToS3Input,
  env = new MockActivityEnvironment(),
): Promise<UploadToS3Output> {
  const uploadToS3 = createUploadToS3(d);
  return env.run<[UploadToS3Input], UploadToS3Output, typeof uploadToS3>(uploadToS3, input);
}

/** The ApplicationFailure `p` rejects with; fails the test if it resolves or rejects with anything else. */
export async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}
