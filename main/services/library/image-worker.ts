// The image worker thread: inspects files for the scanner and renders thumbnails, so
// that sharp's per-call JavaScript work (about half a millisecond per call) and the
// hashing never run on the main event loop. Protocol: ImageTaskRequest in,
// ImageTaskReply out, matched by id (see image-tasks.ts).
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../error-message.ts';
import { renderThumbnail } from '../thumbnails/render-thumbnail.ts';
import { inspectFiles, type ImageTaskReply, type ImageTaskRequest } from './image-tasks.ts';

const port = parentPort;
if (!port) throw new Error('image-worker.ts must be started as a worker thread');

port.on('message', (request: ImageTaskRequest) => {
  const work =
    request.op === 'inspect'
      ? inspectFiles(request.files, request.maxPixels)
      : renderThumbnail(request.job);
  work.then(
    (result) => port.postMessage({ id: request.id, result } satisfies ImageTaskReply),
    (error: unknown) => port.postMessage({ id: request.id, error: errorMessage(error) } satisfies ImageTaskReply),
  );
});
