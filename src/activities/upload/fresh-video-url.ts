import { ApplicationFailure } from '@temporalio/activity';
import { ProviderError } from '../../providers/types';
import { failureTypes } from '../../contract/scene-workflow';
import type { UploadToS3Input } from '../../contract/activities';
import { callOptions, type ActivityDeps } from '../dependencies';
import { openVideoDownload, urlNoLongerServes, type VideoDownload, type VideoDownloadError } from './video-download';

/**
 * The task's output URL answered 403/404/410: signed links expire (Runway's within 24–48 h) and a CDN may drop a
 * file before its task record does. The clip is paid for, so before the attempt gives it up the task is fetched again
 * for a fresh URL, once, and that one is opened (and returned with the download). Every outcome that is not a download names what was tried.
 */
export async function openWithFreshUrl(
  deps: ActivityDeps,
  input: UploadToS3Input,
  gone: VideoDownloadError,
  signal: AbortSignal,
): Promise<VideoDownload & { videoUrl: string }> {
  const what = `${input.provider} task ${input.taskId}: the video URL answered HTTP ${gone.httpStatus}`;
  const route = deps.catalogue.find((p) => p.key === input.provider)?.route;
  const client = route === undefined ? undefined : deps.providers[route];
  if (!client) {
    throw refused(`${what}, and this worker has no ${input.provider} client to ask for a fresh URL`, false);
  }
  let videoUrl: string | undefined;
  let state: string;
  try {
    const snapshot = await client.getTask(input.taskId, callOptions(deps, signal));
    videoUrl = snapshot.videoUrl;
    state = snapshot.state;
  } catch (err) {
    if (signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // A provider that cannot answer right now may answer on the next try; a task without a URL will not grow one.
    const transient = err instanceof ProviderError && err.retryable;
    throw refused(
      `${what}; fetching the task again for a fresh URL failed (${message})${transient ? '; will try again' : ''}`,
      transient,
    );
  }
  if (state !== 'succeeded' || videoUrl === undefined) {
    throw refused(
      `${what}; fetched again, the task is ${state} with no video URL: the provider no longer serves the clip`,
      false,
    );
  }
  try {
    return { ...(await openVideoDownload(videoUrl, deps.download, signal)), videoUrl };
  } catch (err) {
    if (urlNoLongerServes(err)) {
      // PiAPI's task keeps naming a file it has deleted (its outputs are kept for an undocumented while).
      const deleted =
        videoUrl === input.videoUrl
          ? `, and fetched again the task names the same URL, which answered HTTP ${err.httpStatus} again: the provider has deleted the clip (outputs are kept only for a while), so it cannot be stored`
          : `, and the fresh URL from fetching the task again answered HTTP ${err.httpStatus}: the provider no longer serves the clip`;
      throw refused(`${what}${deleted}`, false);
    }
    throw err;
  }
}

function refused(message: string, retryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({ message, type: failureTypes.downloadFailed, nonRetryable: !retryable });
}
