// The k-nearest-neighbour graph of an embedding set by exact cosine similarity, on the
// compute backend: blocks of B rows against all N as one matrix product
// U_block [B, D] · Uᵀ [D, N] → S [B, N], then the top k of each row except the row
// itself. Reading U once per block of B queries instead of once per query makes it
// compute-bound (XNNPACK GEMM): see bench/explorer-graph.ts. Memory: U and Uᵀ as
// tensors, B·N floats per block, and the graph.
// Cancellable between blocks. Rows must be unit vectors (the explorer's index).
import type * as tf from '@tensorflow/tfjs';
import { selectTopK } from '../../main/services/explorer/cosine-index.ts';

export interface KnnGraph {
  readonly rows: number;
  /** Neighbours per row (min(k, rows − 1)). */
  readonly k: number;
  /** [rows, k] row-major: neighbour row indices, most similar first. */
  readonly indices: Int32Array;
  /** [rows, k] row-major: their cosine similarities. */
  readonly similarities: Float32Array;
}

export interface KnnGraphOptions {
  readonly blockRows?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function knnGraph(tfjs: typeof tf, unit: Float32Array, rows: number, dim: number, k: number, options: KnnGraphOptions = {}): Promise<KnnGraph> {
  if (unit.length !== rows * dim) throw new Error(`knn graph: ${unit.length} values do not fill ${rows}×${dim}`);
  const kk = Math.max(0, Math.min(k, rows - 1));
  const indices = new Int32Array(rows * kk);
  const similarities = new Float32Array(rows * kk);
  if (kk === 0) return { rows, k: 0, indices, similarities };
  // Keep a block's score matrix near 64 MB: B·N·4 bytes.
  const blockRows = options.blockRows ?? Math.max(16, Math.min(1024, Math.floor((16 * 1024 * 1024) / rows)));
  const all = tfjs.tensor2d(unit, [rows, dim]); // [N, D]
  // Uᵀ once: matMul with transposeB is ~8× slower on wasm (measured: 2.0 s vs 0.25 s CPU for 1024 × 128 × 10k).
  const allT = tfjs.transpose(all); // [D, N]
  try {
    for (let start = 0; start < rows; start += blockRows) {
      options.signal?.throwIfAborted();
      const b = Math.min(blockRows, rows - start);
      const scores = tfjs.tidy(() => tfjs.matMul(tfjs.slice(all, [start, 0], [b, dim]), allT)); // [B, D]·[D, N] → [B, N]
      const values = (await scores.data()) as Float32Array;
      scores.dispose();
      // Top-k in JS (one pass with rejection) is ~3× cheaper than tf.topk here, and leaves the row itself out by index.
      for (let i = 0; i < b; i++) {
        const self = start + i;
        selectTopK(values.subarray(i * rows, (i + 1) * rows), kk, self).forEach((n, j) => {
          indices[self * kk + j] = n.row;
          similarities[self * kk + j] = n.similarity;
        });
      }
      options.onProgress?.(start + b, rows);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let control messages in
    }
  } finally {
    tfjs.dispose([all, allT]);
  }
  return { rows, k: kk, indices, similarities };
}
