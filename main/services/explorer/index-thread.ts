// The explorer's index thread: exact neighbour queries, the PCA map and loading an
// embedding set (read the file, gather the fresh rows, normalise) run here, on a worker
// thread of their own, so the main event loop (Electron's UI and IPC, the web server)
// is not blocked by them: at 100k × 512 a query takes ≈ 30 ms, PCA ≈ 1 s, loading ≈ 1 s
// of which ≈ 0.65 s blocked main when it ran there (bench/explorer-knn.ts). It is not
// the training worker: a query must not wait behind training steps. It has one event
// loop: a query sent during a PCA waits for it (once per set and method).
//
// The matrix is not copied: the index's `unit` lives on a SharedArrayBuffer, which the
// message shares with the thread (one N × D matrix in the process, however many
// queries). The thread keeps no state, so if it dies the pending calls fail with the
// reason and the next call starts a fresh one. Protocol: IndexTaskRequest in,
// IndexTaskReply out, matched by id (see index-worker.ts).
import path from 'node:path';
import type { CosineIndex, ScoredRow } from './cosine-index.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { WorkerClient } from '../worker-client.ts';
import { ExplorerError } from './explorer-errors.ts';

/** `unit`: [rows, dim] row-major on a SharedArrayBuffer (unit rows, except what 'load' fills). */
interface SharedRows {
  readonly unit: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

export type IndexTaskBody =
  | (SharedRows & { readonly op: 'topK'; readonly query: Float32Array; readonly k: number; readonly exclude: number })
  | (SharedRows & { readonly op: 'pca' })
  | (SharedRows & {
      readonly op: 'load';
      /** EmbeddingFiles(dataDir) of the set's file. */
      readonly dataDir: string;
      readonly file: string;
      readonly setId: number;
      /** [rows]: the file row of each position. */
      readonly fileRows: Int32Array;
    });

export type IndexTaskRequest = IndexTaskBody & { readonly id: number };

/**
 * `result`: the neighbours (topK), the [rows, 2] unscaled PCA coordinates (pca) or null
 * (load: written into `unit`). `explorer`: the error is an ExplorerError (its message is
 * for the user as it is, e.g. a missing file).
 */
export type IndexTaskReply =
  | { readonly id: number; readonly result: ScoredRow[] | Float32Array | null }
  | { readonly id: number; readonly error: string; readonly explorer: boolean };

const WORKER_URL = new URL('./index-worker.ts', import.meta.url);

type IndexResult = ScoredRow[] | Float32Array | null;

export class IndexThread {
  /** Each call's context is what it does, for the messages ("a neighbour query", "the PCA map"). */
  readonly #thread = new WorkerClient<IndexTaskBody, IndexTaskReply, IndexResult, string>({
    url: WORKER_URL,
    settle: (reply, what) => {
      if ('result' in reply) return reply.result;
      throw new ExplorerError(reply.explorer ? reply.error : `${what} failed: ${reply.error}`);
    },
    died: (death, what) => {
      const reason = 'error' in death ? death.error.message : `exit code ${death.exitCode}`;
      return new ExplorerError(`the explorer's index thread stopped during ${what} (${reason}): ask again`);
    },
    closing: () => new ExplorerError('the explorer is closing'),
    closed: () => new ExplorerError('the explorer is closed'),
  });

  /** As CosineIndex.topK (same rows, same order, same similarities), on the thread. */
  async topK(index: CosineIndex, query: Float32Array, k: number, exclude = -1): Promise<ScoredRow[]> {
    return (await this.#thread.call({ op: 'topK', ...shared(index), query: Float32Array.from(query), k, exclude }, 'a neighbour query')) as ScoredRow[];
  }

  /** As CosineIndex.neighboursOfRow, on the thread. */
  neighboursOfRow(index: CosineIndex, row: number, k: number): Promise<ScoredRow[]> {
    return this.topK(index, index.rowVector(row), k, row);
  }

  /** pca2d of the index's unit rows ([rows, 2], not yet scaled), on the thread. */
  async pca(index: CosineIndex): Promise<Float32Array> {
    return (await this.#thread.call({ op: 'pca', ...shared(index) }, 'the PCA map')) as Float32Array;
  }

  /**
   * On the thread: reads the set's `file`, gathers its rows `fileRows` into `unit`
   * ([fileRows.length, dim] on a SharedArrayBuffer) and scales them to unit length.
   */
  async loadUnitRows(files: EmbeddingFiles, file: string, setId: number, dim: number, fileRows: Int32Array, unit: Float32Array): Promise<void> {
    if (unit.length !== fileRows.length * dim) throw new Error(`index thread: ${unit.length} values do not fill ${fileRows.length}×${dim}`);
    // EmbeddingFiles(dataDir) keeps its files in <dataDir>/embeddings.
    const request = { op: 'load', ...shared({ unit, rows: fileRows.length, dim }), dataDir: path.dirname(files.dir), file, setId, fileRows } as const;
    await this.#thread.call(request, 'loading the embeddings');
  }

  /** Stops the current thread as a crash would (pending calls fail); the next call starts a new one. */
  terminate(): Promise<void> {
    return this.#thread.terminate();
  }

  /** Stops the thread for good: pending and later calls fail. */
  close(): Promise<void> {
    return this.#thread.close();
  }
}

function shared(index: SharedRows): SharedRows {
  if (!(index.unit.buffer instanceof SharedArrayBuffer)) {
    throw new Error('index thread: the rows must live on a SharedArrayBuffer (CosineIndex.build, sharedFloat32 and loadSet put them there) so that the thread reads them without a copy');
  }
  return { unit: index.unit, rows: index.rows, dim: index.dim };
}
