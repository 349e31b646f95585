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
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    let sum = 0;
    for (let c = 0; c < m.cols; c++) sum += m.data[r * m.cols + c]! ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < m.cols; c++) out[r * m.cols + c] = m.data[r * m.cols + c]! * scale;
  }
  return { data: out, rows: m.rows, cols: m.cols };
}
