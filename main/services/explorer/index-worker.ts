// The explorer's index thread (see index-thread.ts): answers IndexTaskRequests on the
// rows main shares with it (a SharedArrayBuffer: written only by 'load', before main
// builds the index on them; read only otherwise). No state is kept between requests.
// They run in arrival order; while a load waits for its file, later ones may run.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../error-message.ts';
import { pca2d } from '../../../worker/projection/pca.ts';
import { CosineIndex } from './cosine-index.ts';
import { EmbeddingFiles } from './embedding-files.ts';
import { ExplorerError } from './explorer-errors.ts';
import type { IndexTaskReply, IndexTaskRequest } from './index-thread.ts';
import { readUnitRows } from './loaded-set.ts';

const port = parentPort;
if (!port) throw new Error('index-worker.ts must be started as a worker thread');

port.on('message', (request: IndexTaskRequest) => {
  answer(request).catch((error: unknown) => {
    port.postMessage({ id: request.id, error: errorMessage(error), explorer: error instanceof ExplorerError } satisfies IndexTaskReply);
  });
});

async function answer(request: IndexTaskRequest): Promise<void> {
  if (request.op === 'topK') {
    const index = CosineIndex.ofUnitRows(request.unit, request.rows, request.dim);
    port!.postMessage({ id: request.id, result: index.topK(request.query, request.k, request.exclude) } satisfies IndexTaskReply);
  } else if (request.op === 'pca') {
    const xy = pca2d(request.unit, request.rows, request.dim);
    port!.postMessage({ id: request.id, result: xy } satisfies IndexTaskReply, [xy.buffer as ArrayBuffer]); // pca2d allocates a plain ArrayBuffer
  } else {
    await readUnitRows(new EmbeddingFiles(request.dataDir), request.file, request.setId, request.dim, request.fileRows, request.unit);
    port!.postMessage({ id: request.id, result: null } satisfies IndexTaskReply);
  }
}
