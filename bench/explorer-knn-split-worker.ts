// Option (b) of bench/explorer-knn.ts: one of two worker threads that scan halves of
// the shared unit rows with the JS loop (CosineIndex.similarities) and answer their
// half's top k; the bench merges. Not used by the app (usearch won, see the bench).
import { parentPort } from 'node:worker_threads';
import { CosineIndex, selectTopK } from '../main/services/explorer/cosine-index.ts';

export interface SplitScanRequest {
  readonly unit: Float32Array;
  readonly rows: number;
  readonly dim: number;
  readonly from: number;
  readonly to: number;
  readonly query: Float32Array;
  readonly k: number;
  readonly exclude: number;
}

parentPort!.on('message', (r: SplitScanRequest) => {
  const index = CosineIndex.ofUnitRows(r.unit, r.rows, r.dim);
  const scores = index.similarities(r.query, new Float32Array(r.to - r.from), r.from, r.to); // [to − from]
  parentPort!.postMessage(selectTopK(scores, r.k, r.exclude - r.from, r.from));
});
