import { CancellationScope, patched } from '@temporalio/workflow';
import type { UploadToS3Input, UploadToS3Output } from '../contract/activities';
import { uploadToS3 } from './scene-activities';

/** Marks runs whose upload a workflow cancel no longer interrupts (older runs replay the cancellable upload). */
export const uploadSurvivesCancelPatch = 'upload-survives-cancel';

/**
 * Once the provider has delivered the clip it is paid for, so a cancel does not throw it away: the upload runs to its
 * end and the scene records its result and cost. Before this patch a cancel cut the upload off on the workflow side
 * only (the activity learnt of it at its next heartbeat, if at all), leaving an object stored by a CANCELLED run with
 * no cost. The patch marker is written only when a cancel actually meets an upload, so other runs' histories keep
 * their length; a run that was cancelled during its upload under the old code replays the old commands.
 */
export async function uploadToS3SurvivingCancel(input: UploadToS3Input): Promise<UploadToS3Output> {
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
