// The explorer's index thread (see index-thread.ts): answers IndexTaskRequests on the
// rows main shares with it (a SharedArrayBuffer: written only by 'normalize', before
// main builds the index on them; read only otherwise). No state is
// kept between requests; one request at a time, in arrival order.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../error-message.ts';
import { pca2d } from '../../../worker/projection/pca.ts';
import { CosineIndex, normalizeRowsInPlace } from './cosine-index.ts';
import type { IndexTaskReply, IndexTaskRequest } from './index-thread.ts';

const port = parentPort;
if (!port) throw new Error('index-worker.ts must be started as a worker thread');

port.on('message', (request: IndexTaskRequest) => {
  try {
    if (request.op === 'topK') {
      const index = CosineIndex.ofUnitRows(request.unit, request.rows, request.dim);
      port.postMessage({ id: request.id, result: index.topK(request.query, request.k, request.exclude) } satisfies IndexTaskReply);
    } else if (request.op === 'normalize') {
      normalizeRowsInPlace(request.unit, request.rows, request.dim);
      port.postMessage({ id: request.id, result: null } satisfies IndexTaskReply);
    } else {
      const xy = pca2d(request.unit, request.rows, request.dim);
      port.postMessage({ id: request.id, result: xy } satisfies IndexTaskReply, [xy.buffer as ArrayBuffer]); // pca2d allocates a plain ArrayBuffer
    }
  } catch (error) {
    port.postMessage({ id: request.id, error: errorMessage(error) } satisfies IndexTaskReply);
  }
});
