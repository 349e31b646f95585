// Exact cosine nearest neighbours over a set's embeddings h: the rows are L2-normalised
// ONCE when the index is built, so a query is one matrix-vector product [N, D]·[D] → [N]
// followed by a top-k selection. Exact and deterministic (ties go to the lower row).
//
// A query first asks usearch's SIMD brute-force scan (native-scan.ts) for the k + 33
// rows with the largest float32 products, re-scores those few in the JS arithmetic
// below and keeps them only if the k-th score clears every row left out by more than
// the float32 rounding bound; otherwise (ties or near-ties at the k-th place, small
// sets, no native module) it scans all rows in JS. Either way the answer is the one
// the JS scan gives, to the bit.
// Measured (bench/explorer-knn.ts, k = 12, medians of single queries over 6 runs on
// the shared 2-core machine at load average 0.0–4.3): 100k × 512: usearch-filtered
// 28–42 ms on the calling thread, 26–34 ms through the index thread, vs 59–82 ms for the
// JS scan alone (the same scan split over 2 threads: 39–127 ms wall, 66–86 ms CPU; a
// tf-wasm matMul on a resident tensor: 57–71 ms); 100k × 128: 9–13 ms vs 13–29 ms;
// 10k × 512: 4–6 ms vs 5–9 ms. The explorer runs queries, PCA and loading on its own
// thread (index-thread.ts), sharing `unit` through a SharedArrayBuffer, so they block
// the main event loop ≤ 13 ms (the JS scan in main: up to 215 ms; PCA: 1.0–1.3 s).
// The CLI calls the index directly.
//
// Memory: N·D float32 (200 MB for 100k × 512) on a SharedArrayBuffer, shared by main,
// the index thread and the worker's jobs; see loaded-set.ts for the cap.
import { normalizeRowsInPlace } from '../../../worker/eval/matrix.ts';
import { nativeCandidates } from './native-scan.ts';

export { normalizeRowsInPlace };

export interface ScoredRow {
  readonly row: number;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

/** Candidates asked of the native scan beyond k (+1 for the query's own row): room for ties and rounding at the k-th place. */
const CANDIDATE_SLACK = 32;

/** A Float32Array on a SharedArrayBuffer (other threads can read it without a copy). */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

export class CosineIndex {
  readonly rows: number;
  readonly dim: number;
  /** [rows, dim] row-major, unit rows. */
  readonly unit: Float32Array;

  private constructor(unit: Float32Array, rows: number, dim: number) {
    this.unit = unit;
    this.rows = rows;
    this.dim = dim;
  }

  /** Copies (onto a SharedArrayBuffer) and normalises `data` ([rows, dim] row-major). */
  static build(data: Float32Array, rows: number, dim: number): CosineIndex {
    const copy = sharedFloat32(data.length);
    copy.set(data);
    return CosineIndex.adopt(copy, rows, dim);
  }

  /** Normalises `data` IN PLACE and keeps it (no second copy of a large set). */
  static adopt(data: Float32Array, rows: number, dim: number): CosineIndex {
    checkShape(data, rows, dim);
    return new CosineIndex(normalizeRowsInPlace(data, rows, dim), rows, dim);
  }

  /** Keeps `unit` as it is: rows already unit (another thread's view of an index). */
  static ofUnitRows(unit: Float32Array, rows: number, dim: number): CosineIndex {
    checkShape(unit, rows, dim);
    return new CosineIndex(unit, rows, dim);
  }

  /** The unit vector of a query h (any length D vector). */
  unitQuery(query: Float32Array): Float32Array {
    if (query.length !== this.dim) throw new Error(`the query has ${query.length} values but the embeddings have ${this.dim}: was it embedded by another encoder?`);
    return normalizeRowsInPlace(Float32Array.from(query), 1, this.dim);
  }

  /** Row r as a view (already unit). */
  rowVector(r: number): Float32Array {
    if (!Number.isInteger(r) || r < 0 || r >= this.rows) throw new RangeError(`row ${r} outside 0..${this.rows - 1}`);
    return this.unit.subarray(r * this.dim, (r + 1) * this.dim);
  }

  /**
   * out[n] = unit[n]·q for rows [from, to): [to-from, D]·[D]. Four accumulators over D
   * let the JIT keep them in registers (≈2× over one accumulator, measured).
   */
  similarities(q: Float32Array, out: Float32Array, from = 0, to = this.rows): Float32Array {
    const d = this.dim;
    const a = this.unit;
    const d4 = d - (d % 4);
    for (let n = from; n < to; n++) {
      const base = n * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < d4; c += 4) {
        s0 += a[base + c]! * q[c]!;
        s1 += a[base + c + 1]! * q[c + 1]!;
        s2 += a[base + c + 2]! * q[c + 2]!;
        s3 += a[base + c + 3]! * q[c + 3]!;
      }
      for (let c = d4; c < d; c++) s0 += a[base + c]! * q[c]!;
      out[n - from] = s0 + s1 + s2 + s3;
    }
    return out;
  }

  /** The k rows most similar to the unit vector q, most similar first; `exclude` (a row) is left out. */
  topK(q: Float32Array, k: number, exclude = -1): ScoredRow[] {
    checkK(k);
    return nativeTopK(this, q, k, exclude) ?? selectTopK(this.similarities(q, new Float32Array(this.rows)), k, exclude);
  }

  /** The k nearest rows of row r (itself excluded). */
  neighboursOfRow(r: number, k: number): ScoredRow[] {
    return this.topK(this.rowVector(r), k, r);
  }
}

/**
 * index.topK through the native scan's candidates, or null when their answer is not
 * provably the exact one (then the caller scans all rows). Candidates are re-scored
 * in row order so that selectTopK's tie rule (lower index first) is the lower row.
 */
export function nativeTopK(index: CosineIndex, q: Float32Array, k: number, exclude = -1): ScoredRow[] | null {
  const count = k + 1 + CANDIDATE_SLACK;
  if (count >= index.rows) return null; // small set or k near N: the full scan is as cheap
  const found = nativeCandidates(index.unit, index.rows, index.dim, q, count);
  if (!found) return null;
  const rows = Int32Array.from(found.rows).sort();
  const scores = new Float32Array(count);
  let excluded = -1;
  for (let i = 0; i < count; i++) {
    index.similarities(q, scores.subarray(i, i + 1), rows[i]!, rows[i]! + 1);
    if (rows[i] === exclude) excluded = i;
  }
  const top = selectTopK(scores, k, excluded).map((s) => ({ row: rows[s.row]!, similarity: s.similarity }));
  // Every row left out has a float32 product ≤ the last candidate's, so its score here
  // is at most that plus both roundings: the k-th must beat it strictly (a tie would
  // have to go to the lower row, which may be outside).
  const floor = found.dots[count - 1]! + roundingBound(q, index.dim);
  return top[k - 1]!.similarity > floor ? top : null;
}

/**
 * A bound on |float32 dot − exact dot| for unit rows and q, plus the same for the JS
 * score rounded to float32: D·2⁻²⁴·Σ|aᵢqᵢ| per product (any summation order) with
 * Σ|aᵢqᵢ| ≤ ‖q‖ (rows are unit, up to rounding), doubled for the two, with margin.
 */
function roundingBound(q: Float32Array, dim: number): number {
  let norm = 0;
  for (let c = 0; c < dim; c++) norm += q[c]! * q[c]!;
  return (dim + 8) * 2 ** -23 * Math.max(1, Math.sqrt(norm));
}

function checkShape(data: Float32Array, rows: number, dim: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(dim) || rows < 0 || dim < 1) throw new Error(`cosine index: bad shape ${rows}×${dim}`);
  if (data.length !== rows * dim) throw new Error(`cosine index: ${data.length} values do not fill ${rows}×${dim}`);
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
}

/**
 * Indices of the k largest scores, descending (ties: lower index first). O(N·log k)
 * worst case with a bounded insertion list; scores below the current k-th are
 * rejected with one comparison, so the typical cost is one pass over N.
 */
export function selectTopK(scores: Float32Array, k: number, exclude = -1, offset = 0): ScoredRow[] {
  checkK(k);
  const capacity = Math.min(k, scores.length);
  const topScore = new Float64Array(capacity);
  const topRow = new Int32Array(capacity);
  let filled = 0;
  for (let n = 0; n < scores.length; n++) {
    if (n === exclude) continue;
    const s = scores[n]!;
    if (filled === capacity && s <= topScore[capacity - 1]!) continue;
    let p = filled < capacity ? filled++ : capacity - 1;
    while (p > 0 && topScore[p - 1]! < s) {
      topScore[p] = topScore[p - 1]!;
      topRow[p] = topRow[p - 1]!;
      p--;
    }
    topScore[p] = s;
    topRow[p] = n;
  }
  const out: ScoredRow[] = [];
  for (let i = 0; i < filled; i++) out.push({ row: topRow[i]! + offset, similarity: topScore[i]! });
  return out;
}
