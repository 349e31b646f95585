// Exact cosine nearest neighbours over a set's embeddings h, in main: the rows are
// L2-normalised ONCE when the index is built, so a query is one matrix-vector product
// [N, D]·[D] → [N] followed by a top-k selection. Exact and deterministic (ties go to
// the lower row). Measured (bench/explorer-knn.ts, CPU time on this shared 2-core
// machine): 100k × 128 (the default encoder's h) ≈ 22 ms, 100k × 512 ≈ 76 ms — over the
// 50 ms goal; the same product as a wasm/XNNPACK tf.matMul was no faster (≈ 69 ms: the
// pass is bound by reading 200 MB), so the index stays here in main rather than behind
// the worker's queue. Splitting the rows over threads is the next step if needed.
//
// Memory: N·D float32 (200 MB for 100k × 512); see explorer-limits.ts for the cap.

export interface ScoredRow {
  readonly row: number;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

/** Rows scaled to unit L2 norm in place (a zero row stays zero, so its similarities are 0). */
export function normalizeRowsInPlace(data: Float32Array, rows: number, dim: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let sum = 0;
    for (let c = 0; c < dim; c++) sum += data[base + c]! * data[base + c]!;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < dim; c++) data[base + c]! *= scale;
  }
  return data;
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

  /** Copies and normalises `data` ([rows, dim] row-major). */
  static build(data: Float32Array, rows: number, dim: number): CosineIndex {
    return CosineIndex.adopt(Float32Array.from(data), rows, dim);
  }

  /** Normalises `data` IN PLACE and keeps it (no second copy of a large set). */
  static adopt(data: Float32Array, rows: number, dim: number): CosineIndex {
    if (!Number.isInteger(rows) || !Number.isInteger(dim) || rows < 0 || dim < 1) throw new Error(`cosine index: bad shape ${rows}×${dim}`);
    if (data.length !== rows * dim) throw new Error(`cosine index: ${data.length} values do not fill ${rows}×${dim}`);
    return new CosineIndex(normalizeRowsInPlace(data, rows, dim), rows, dim);
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
    const scores = this.similarities(q, new Float32Array(this.rows));
    return selectTopK(scores, k, exclude);
  }

  /** The k nearest rows of row r (itself excluded). */
  neighboursOfRow(r: number, k: number): ScoredRow[] {
    return this.topK(this.rowVector(r), k, r);
  }
}

/**
 * Indices of the k largest scores, descending (ties: lower index first). O(N·log k)
 * worst case with a bounded insertion list; scores below the current k-th are
 * rejected with one comparison, so the typical cost is one pass over N.
 */
export function selectTopK(scores: Float32Array, k: number, exclude = -1, offset = 0): ScoredRow[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
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
