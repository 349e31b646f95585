// Whole-set questions answered from the set's k-NN graph (computed once per set in the
// worker, worker/jobs/explorer-knn-graph.ts, and cached), so moving the duplicate
// threshold or the outlier count is instant:
// - near-duplicates: pairs (a < b) with similarity ≥ threshold where one is among the
//   other's GRAPH_K nearest. An image with more than GRAPH_K neighbours above the
//   threshold may have further pairs: then `truncated` is set (as when `limit` cuts);
// - outliers: the rows whose k-th nearest neighbour is least similar (k ≤ GRAPH_K).
import type { KnnGraph } from '../../../worker/jobs/explorer-knn-graph.ts';

/** Neighbours per image kept in the graph. */
export const GRAPH_K = 32;

export interface RowPair {
  readonly a: number;
  readonly b: number;
  readonly similarity: number;
}

export interface DuplicateRows {
  readonly pairs: RowPair[];
  readonly truncated: boolean;
}

export interface OutlierRow {
  readonly row: number;
  readonly kthSimilarity: number;
}

/** Pairs above `threshold`, most similar first (ties: lower a, then lower b). */
export function findDuplicateRows(graph: KnnGraph, threshold: number, limit: number): DuplicateRows {
  const seen = new Set<number>();
  const pairs: RowPair[] = [];
  let truncated = false;
  for (let i = 0; i < graph.rows; i++) {
    for (let j = 0; j < graph.k; j++) {
      const s = graph.similarities[i * graph.k + j]!;
      if (s < threshold) break; // sorted: the rest are lower
      if (j === graph.k - 1 && graph.k < graph.rows - 1) truncated = true; // all k above: more may exist
      const n = graph.indices[i * graph.k + j]!;
      const [a, b] = i < n ? [i, n] : [n, i];
      const key = a * graph.rows + b;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ a, b, similarity: s });
    }
  }
  pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
  if (pairs.length > limit) {
    pairs.length = limit;
    truncated = true;
  }
  return { pairs, truncated };
}

/** The `count` rows with the lowest similarity to their k-th nearest neighbour (k clamped to the graph's). */
export function findOutlierRows(graph: KnnGraph, k: number, count: number): OutlierRow[] {
  if (graph.k === 0) return [];
  const kk = Math.min(k, graph.k);
  const kth = (row: number) => graph.similarities[row * graph.k + kk - 1]!;
  const order = Array.from({ length: graph.rows }, (_, i) => i).sort((x, y) => kth(x) - kth(y) || x - y);
  return order.slice(0, count).map((row) => ({ row, kthSimilarity: kth(row) }));
}
