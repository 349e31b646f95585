// The 'neighbour-graph' job: the k-NN graph of an embedding set (explorer-knn-graph.ts)
// in the worker on the compute backend. Main derives near-duplicates, outliers and
// neighbour exports from it without another pass over all pairs.
import type { JobContext } from './registry.ts';
import { knnGraph, type KnnGraph } from './explorer-knn-graph.ts';

export interface GraphJobRequest {
  /** Unit rows, [rows, dim] row-major. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly dim: number;
  readonly k: number;
}

export interface GraphJobProgress {
  readonly done: number;
  readonly total: number;
}

export type GraphJobResult = KnnGraph;

export async function graphJob(request: GraphJobRequest, context: JobContext<'neighbour-graph'>): Promise<GraphJobResult> {
  return knnGraph(context.tf, request.data, request.rows, request.dim, request.k, {
    signal: context.signal,
    onProgress: (done, total) => context.progress({ done, total }),
  });
}
