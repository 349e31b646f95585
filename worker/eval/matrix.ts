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

/** Rows scaled to unit L2 norm (a zero row stays zero), so dot products are cosines. */
export function l2NormalizeRows(m: Matrix): Matrix {
  return { data: normalizeRowsInPlace(Float32Array.from(m.data), m.rows, m.cols), rows: m.rows, cols: m.cols };
}

/** data [rows, dim] row-major: each row scaled to unit L2 norm IN PLACE (a zero row stays zero). */
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
