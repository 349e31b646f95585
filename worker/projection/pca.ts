// PCA to 2-D, deterministic: the top two principal directions of the (centred)
// embeddings by power iteration with deflation, then every row projected on them.
//
// Cost: the directions are found on an evenly strided subsample of at most
// `maxFitRows` rows (2,000 rows of h estimate the top two directions well), with at
// most `iterations` steps, stopping early once a direction no longer moves; so fitting
// is O(maxFitRows · D · iterations) and projecting O(N · D). Measured on 100k × 512:
// 3.5 CPU-s with 5,000 rows × 100 fixed steps, hence these limits.
// With them, 100k × 512 takes 0.8–1.3 s (bench/explorer-knn.ts): too long for the main
// event loop, so the explorer runs it on its index thread (main/services/explorer/
// index-thread.ts); the worker's 'project' job runs it in the worker.
// No randomness: the start vector is fixed and each direction's sign is chosen so that
// its largest-magnitude entry is positive, so the same input gives the same picture.

export interface PcaOptions {
  readonly maxFitRows?: number;
  readonly iterations?: number;
}

/** data [rows, dim] row-major → [rows, 2] row-major (not yet scaled). */
export function pca2d(data: Float32Array, rows: number, dim: number, options: PcaOptions = {}): Float32Array {
  const { maxFitRows = 2000, iterations = 60 } = options;
  if (data.length !== rows * dim) throw new Error(`pca: ${data.length} values do not fill ${rows}×${dim}`);
  const out = new Float32Array(rows * 2);
  if (rows === 0) return out;
  const mean = columnMeans(data, rows, dim);
  const stride = Math.max(1, Math.ceil(rows / maxFitRows));
  const fitRows: number[] = [];
  for (let r = 0; r < rows; r += stride) fitRows.push(r);
  const first = powerIteration(data, dim, mean, fitRows, [], iterations);
  const second = powerIteration(data, dim, mean, fitRows, [first], iterations);
  for (let r = 0; r < rows; r++) {
    let x = 0;
    let y = 0;
    for (let c = 0; c < dim; c++) {
      const v = data[r * dim + c]! - mean[c]!;
      x += v * first[c]!;
      y += v * second[c]!;
    }
    out[2 * r] = x;
    out[2 * r + 1] = y;
  }
  return out;
}

function columnMeans(data: Float32Array, rows: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c]! += data[r * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= rows;
  return mean;
}

/**
 * The dominant eigenvector of the covariance Xcᵀ·Xc of the fit rows (Xc = X − mean,
 * [M, D]) orthogonal to `found`: v ← Xcᵀ(Xc·v), re-orthogonalised and normalised each
 * step. Returns a zero vector when nothing is left (e.g. all rows equal).
 */
function powerIteration(data: Float32Array, dim: number, mean: Float64Array, fitRows: readonly number[], found: readonly Float64Array[], iterations: number): Float64Array {
  // A fixed, non-degenerate start (not orthogonal to any axis in practice).
  let v = new Float64Array(dim).map((_, c) => 1 + ((c * 7919) % 13) / 13);
  orthonormalise(v, found);
  const next = new Float64Array(dim);
  const centred = new Float64Array(dim);
  for (let it = 0; it < iterations; it++) {
    next.fill(0);
    for (const r of fitRows) {
      let p = 0; // (Xc·v)_r
      for (let c = 0; c < dim; c++) {
        centred[c] = data[r * dim + c]! - mean[c]!;
        p += centred[c]! * v[c]!;
      }
      for (let c = 0; c < dim; c++) next[c]! += p * centred[c]!;
    }
    if (!orthonormalise(next, found)) return new Float64Array(dim);
    let overlap = 0;
    for (let c = 0; c < dim; c++) overlap += next[c]! * v[c]!;
    v = Float64Array.from(next);
    if (1 - Math.abs(overlap) < 1e-10) break; // converged (the same input always stops at the same step)
  }
  fixSign(v);
  return v;
}

/** Removes the components along `basis` and scales to unit length; false when nothing remains. */
function orthonormalise(v: Float64Array, basis: readonly Float64Array[]): boolean {
  for (const b of basis) {
    let dot = 0;
    for (let c = 0; c < v.length; c++) dot += v[c]! * b[c]!;
    for (let c = 0; c < v.length; c++) v[c]! -= dot * b[c]!;
  }
  let norm = 0;
  for (let c = 0; c < v.length; c++) norm += v[c]! * v[c]!;
  if (!(norm > 1e-24)) return false;
  const scale = 1 / Math.sqrt(norm);
  for (let c = 0; c < v.length; c++) v[c]! *= scale;
  return true;
}

function fixSign(v: Float64Array): void {
  let largest = 0;
  for (let c = 1; c < v.length; c++) if (Math.abs(v[c]!) > Math.abs(v[largest]!)) largest = c;
  if (v[largest]! < 0) for (let c = 0; c < v.length; c++) v[c] = -v[c]!;
}
