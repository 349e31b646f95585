// 2-D projections of an embedding set for the explorer's map: PCA (instant,
// deterministic) or UMAP (seeded, with progress), scaled into [-1, 1] on the longer
// axis. Any number of points works: 0 → empty, 1 → the origin, 2 → a horizontal pair
// (both methods), fewer than UMAP_MIN_POINTS → PCA.
import { pca2d } from './projection/pca.ts';
import { scaleToUnitBox } from './projection/scale.ts';
import { UMAP_MIN_POINTS, umap2d } from './projection/umap.ts';

export type ProjectionMethod = 'pca' | 'umap';

export interface ProjectOptions {
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** data [rows, dim] row-major → [rows, 2] row-major in [-1, 1]. */
export async function projectEmbeddings(data: Float32Array, rows: number, dim: number, method: ProjectionMethod, options: ProjectOptions): Promise<Float32Array> {
  const xy =
    method === 'umap' && rows >= UMAP_MIN_POINTS
      ? await umap2d(data, rows, dim, options)
      : pca2d(data, rows, dim);
  if (method === 'umap' && rows < UMAP_MIN_POINTS) options.onProgress?.(1, 1);
  return scaleToUnitBox(xy);
}
