// Whole-set questions answered by a blocked all-pairs pass over the cosine index,
// never materialising the N×N similarity matrix (memory O(B·N) for a block of B query
// rows, plus the answers):
// - near-duplicates: pairs (i < j) with similarity ≥ threshold, the `limit` most
//   similar kept (a bounded list; `truncated` says more exist);
// - outliers: the rows whose k-th nearest neighbour is least similar.
// Time is O(N²·D): about a second for 5k × 512 here, minutes at 100k (see the report
// in the explorer service). The pass yields to the event loop between blocks so main
// stays responsive.
import { type CosineIndex, selectTopK } from './cosine-index.ts';

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

const BLOCK_ROWS = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Pairs above `threshold`, most similar first (ties: lower a, then lower b). */
export async function findDuplicateRows(index: CosineIndex, threshold: number, limit: number): Promise<DuplicateRows> {
  const found: RowPair[] = [];
  let truncated = false;
  const scores = new Float32Array(index.rows);
  for (let start = 0; start < index.rows; start += BLOCK_ROWS) {
    for (let i = start; i < Math.min(start + BLOCK_ROWS, index.rows); i++) {
      // Only j > i: each pair once.
      const q = index.rowVector(i);
      index.similarities(q, scores, i + 1, index.rows);
      for (let j = i + 1; j < index.rows; j++) {
        const s = scores[j - i - 1]!;
        if (s >= threshold) found.push({ a: i, b: j, similarity: s });
      }
      // Keep the list bounded: sort and cut whenever it has grown to twice the limit.
      if (found.length >= 2 * limit) {
        sortPairs(found);
        found.length = limit;
        truncated = true;
      }
    }
    await yieldToEventLoop();
  }
  sortPairs(found);
  if (found.length > limit) {
    found.length = limit;
    truncated = true;
  }
  return { pairs: found, truncated };
}

/** The `count` rows with the lowest similarity to their k-th nearest neighbour (k clamped to N−1). */
export async function findOutlierRows(index: CosineIndex, k: number, count: number): Promise<OutlierRow[]> {
  if (index.rows < 2) return [];
  const kk = Math.min(k, index.rows - 1);
  const kth = new Float64Array(index.rows);
  const scores = new Float32Array(index.rows);
  for (let start = 0; start < index.rows; start += BLOCK_ROWS) {
    for (let i = start; i < Math.min(start + BLOCK_ROWS, index.rows); i++) {
      index.similarities(index.rowVector(i), scores);
      const top = selectTopK(scores, kk, i);
      kth[i] = top[top.length - 1]!.similarity;
    }
    await yieldToEventLoop();
  }
  const order = Array.from({ length: index.rows }, (_, i) => i).sort((x, y) => kth[x]! - kth[y]! || x - y);
  return order.slice(0, count).map((row) => ({ row, kthSimilarity: kth[row]! }));
}

function sortPairs(pairs: RowPair[]): void {
  pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
}
