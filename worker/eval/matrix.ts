// A dense row-major float32 matrix: the embeddings evaluation works on ([N, D]).
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: ${data.length} values do not fill ${rows}×${cols}`);
  return { data, rows, cols };
}

/** Rows scaled to unit L2 norm (see normalizeRowsInPlace), so dot products are cosines. */
export function l2NormalizeRows(m: Matrix): Matrix {
  return { data: normalizeRowsInPlace(Float32Array.from(m.data), m.rows, m.cols), rows: m.rows, cols: m.cols };
}

/**
 * data [rows, dim] row-major: each row scaled to unit L2 norm IN PLACE. A zero row stays
 * zero, and a row holding a NaN or an infinity (a diverged encoder) has no direction:
 * it becomes zero too, so its cosine with anything is 0, never NaN (NaN would also
 * defeat the ordering the explorer's exact top-k relies on).
 */
export function normalizeRowsInPlace(data: Float32Array, rows: number, dim: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let sum = 0;
    for (let c = 0; c < dim; c++) sum += data[base + c]! * data[base + c]!;
    if (!(sum < Infinity)) {
      data.fill(0, base, base + dim); // NaN or ±Infinity in the row
      continue;
    }
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < dim; c++) data[base + c]! *= scale;
  }
  return data;
}
