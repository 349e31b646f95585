// UMAP to 2-D with umap-js (McInnes et al. 2018), on cosine distance of h (what the
// explorer's neighbours use; norms summed once, so a pair costs one dot product),
// seeded: umap-js draws every random number (NN-descent, initial layout, negative
// sampling) from the function it is given, here the engine's seeded xoshiro generator,
// so the same seed and input give the same coordinates.
// Runs epoch by epoch, yielding to the event loop every few epochs, so the caller sees
// progress and a cancel message (worker control) is noticed between epochs.
import { UMAP } from 'umap-js';
import { createRng } from '../simclr/rng.ts';

export interface UmapOptions {
  readonly seed: number;
  readonly nNeighbors?: number;
  readonly minDist?: number;
  readonly signal?: AbortSignal;
  /** Called every few epochs with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Fewer points than this are laid out by PCA instead (UMAP needs a neighbourhood). */
export const UMAP_MIN_POINTS = 5;

/** data [rows, dim] row-major → [rows, 2] row-major (not yet scaled). rows ≥ UMAP_MIN_POINTS. */
export async function umap2d(data: Float32Array, rows: number, dim: number, options: UmapOptions): Promise<Float32Array> {
  if (rows < UMAP_MIN_POINTS) throw new Error(`umap needs at least ${UMAP_MIN_POINTS} points, got ${rows}`);
  if (data.length !== rows * dim) throw new Error(`umap: ${data.length} values do not fill ${rows}×${dim}`);
  options.signal?.throwIfAborted();
  const rng = createRng(options.seed);
  const vectors = Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * dim, (r + 1) * dim)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, rows - 1),
    minDist: options.minDist ?? 0.1,
    distanceFn: cosineDistanceOf(vectors),
    random: () => rng.next(),
  });
  const epochs = umap.initializeFit(vectors);
  const every = Math.max(1, Math.floor(epochs / 50));
  for (let epoch = 0; epoch < epochs; epoch++) {
    options.signal?.throwIfAborted();
    umap.step();
    if ((epoch + 1) % every === 0 || epoch + 1 === epochs) {
      options.onProgress?.(epoch + 1, epochs);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const embedding = umap.getEmbedding();
  const out = new Float32Array(rows * 2);
  embedding.forEach(([x, y], r) => {
    out[2 * r] = x ?? 0;
    out[2 * r + 1] = y ?? 0;
  });
  return out;
}

/**
 * 1 − cos(x, y) for rows of `vectors` ([rows][dim]), 1 when either row is zero. Each
 * row's squared norm is summed once, so a pair costs one dot product instead of a dot
 * and two norms. umap-js passes the distance function the very arrays it was given, so
 * each looks its norm up; any other vector (umap-js calls none here) is summed on the spot.
 * Why not unit rows and 1 − dot: that rounds differently (≈1e-15), and UMAP's
 * optimisation amplifies such differences into another layout for the same seed; this
 * form gives the same bits as summing the norms per pair.
 */
function cosineDistanceOf(vectors: readonly number[][]): (x: number[], y: number[]) => number {
  const squaredNorms = new Map<number[], number>();
  for (const row of vectors) squaredNorms.set(row, squaredNorm(row));
  return (x, y) => {
    const xx = squaredNorms.get(x) ?? squaredNorm(x);
    const yy = squaredNorms.get(y) ?? squaredNorm(y);
    let dot = 0;
    for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!;
    return xx > 0 && yy > 0 ? 1 - dot / Math.sqrt(xx * yy) : 1;
  };
}

/** Σ x_i² in index order (the order the per-pair loop summed in). */
function squaredNorm(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return sum;
}
