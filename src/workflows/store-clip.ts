import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { ProviderSetup, UploadToS3Input, UploadToS3Output } from '../contract/activities';
import type { DeliveredClip } from '../domain/scene-ledger';
import { uploadToS3 } from './scene-activities';
import { describeFailure, failureDetails, isStorageUnavailable } from './scene-failures';

/** Where the delivered clip ended up; the result's other fields come from the attempt. */
export type StoredClip = Omit<DeliveredClip, 'provider' | 'durationSec'>;

export type StoreOutcome =
  { ok: true; clip: StoredClip } | { ok: false; error: string; cancelRequested: boolean; failsScene?: boolean };

/**
 * Streams the delivered clip into S3. When S3 stays unavailable the clip is kept at the provider's URL, or, with
 * STORAGE_FAILURE_MODE=fail, the scene fails: the provider has billed it, so no other provider is tried.
 */
export async function storeClip(
  upload: UploadToS3Input,
  storageFailureMode: ProviderSetup['storageFailureMode'],
): Promise<StoreOutcome> {
  const cancelRequested = () => CancellationScope.current().consideredCancelled;
  const kept = (clip: StoredClip): StoreOutcome => ({
    ok: true,
    clip: {
      ...clip,
      ...(cancelRequested()
        ? {
            cancelNote:
              'cancel requested after the provider delivered (and billed) the clip: it was kept, not discarded',
          }
        : {}),
    },
  });
  try {
    const { s3Key, s3Url, objectUrl, bytes, videoUrl } = await uploadToS3SurvivingCancel(upload);
    // The URL the upload read (a fresh one when the task's had expired), not one known to be dead.
    return kept({
      s3Key,
      s3Url,
      ...(objectUrl === undefined ? {} : { objectUrl }),
      bytes,
      providerVideoUrl: videoUrl ?? upload.videoUrl,
      stored: true,
    });
  } catch (err) {
    // Only runs from before upload-survives-cancel see the upload cut off: they end cancelled at once, as they did.
    if (isCancellation(err)) throw err;
    if (!isStorageUnavailable(err))
      return { ok: false, error: describeFailure(err), cancelRequested: cancelRequested() };
    const unavailable = `S3 storage unavailable after retries (${describeFailure(err)})`;
    if (storageFailureMode === 'fail') {
      const error = `${unavailable}; the clip was generated (and paid for) but not stored`;
      return { ok: false, error, failsScene: true, cancelRequested: cancelRequested() };
    }
    // Logged by the scene with its attempt, as the result's warning.
    const warning = `generated but not stored: ${unavailable}; only the provider URL holds the clip, and it expires: download it now`;
    const providerVideoUrl = failureDetails(err)?.videoUrl ?? upload.videoUrl;
    return kept({ providerVideoUrl, stored: false, warning });
  }
}

/** Marks runs whose upload a workflow cancel no longer interrupts (older runs replay the cancellable upload). */
export const uploadSurvivesCancelPatch = 'upload-survives-cancel';

/**
 * Once the provider has delivered the clip it is paid for, so a cancel does not throw it away: the upload runs to its
 * end and the scene records its result and cost. Before this patch a cancel cut the upload off on the workflow side
 * only (the activity learnt of it at its next heartbeat, if at all), leaving an object stored by a CANCELLED run with
 * no cost. The patch marker is written only when a cancel actually meets an upload, so other runs' histories keep
 * their length; a run that was cancelled during its upload under the old code replays the old commands.
 */
async function uploadToS3SurvivingCancel(input: UploadToS3Input): Promise<UploadToS3Output> {
  const outer = CancellationScope.current();
  // Old code: an upload asked for after the cancel is never scheduled (it rejects at once).
  if (outer.consideredCancelled && !patched(uploadSurvivesCancelPatch)) return uploadToS3(input);
  let uploading = true;
  return CancellationScope.nonCancellable(async () => {
    const inner = new CancellationScope();
    outer.cancelRequested.catch(() => {
      // Old code: the cancel reached the upload (RequestCancelActivityTask) and the scene ended cancelled at once.
      if (uploading && !patched(uploadSurvivesCancelPatch)) inner.cancel();
    });
    try {
      return await inner.run(() => uploadToS3(input));
    } finally {
      uploading = false;
    }
  });
}
