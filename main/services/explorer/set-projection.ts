// The 2-D map of a loaded embedding set: PCA on the explorer's index thread (≈ 1 s at
// 100k × 512, off the main event loop), UMAP in the worker ('project' job) with progress, kept on disk beside the
// set's file under a name that says which rows, seed and generation it was made of.
// Points come with image ids, paths and labels (first sub-folder) in the same order.
import type { Projection, ProjectionMethod } from '../../api/contract.ts';
import { createHash } from 'node:crypto';
import type { ProjectJobProgress, ProjectJobRequest, ProjectJobResult } from '../../../worker/jobs/project-job.ts';
import { scaleToUnitBox } from '../../../worker/projection/scale.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { ExplorerError } from './explorer-errors.ts';
import type { CosineIndex } from './cosine-index.ts';
import type { LoadedSet } from './loaded-set.ts';

/** Above this many points UMAP is refused (bench/explorer-umap.ts: ~40 CPU-s for 10k × 128 with umap-js). */
export const UMAP_MAX_POINTS = 50_000;

export interface ProjectRunner {
  (request: ProjectJobRequest, options: { onProgress: (p: ProjectJobProgress) => void }): Promise<ProjectJobResult>;
}

export interface ProjectSetDeps {
  readonly files: EmbeddingFiles;
  readonly project: ProjectRunner;
  /** pca2d of the index's unit rows ([rows, 2], unscaled): the index thread's. */
  readonly pca: (index: CosineIndex) => Promise<Float32Array>;
  readonly onProgress: (done: number, total: number) => void;
}

export async function projectSet(loaded: LoadedSet, method: ProjectionMethod, seed: number, deps: ProjectSetDeps): Promise<Projection> {
  const { index } = loaded;
  let xy: Float32Array;
  if (method === 'pca') {
    xy = scaleToUnitBox(await deps.pca(index));
  } else {
    if (index.rows > UMAP_MAX_POINTS) {
      throw new ExplorerError(
        `UMAP of ${index.rows.toLocaleString('en')} images would take too long here (about 40 CPU-seconds per 10,000 measured, growing faster than linearly); ` +
          `it is limited to ${UMAP_MAX_POINTS.toLocaleString('en')} images: use the PCA map`,
      );
    }
    const cacheName = deps.files.projectionName(loaded.set.file!, method, seed, rowsSignature(loaded));
    const cached = await deps.files.readProjection(cacheName, index.rows);
    if (cached) {
      xy = cached;
    } else {
      // The worker reads the index's shared rows (no copy); UMAP on unit vectors = on cosine.
      const result = await deps.project(
        { data: index.unit, rows: index.rows, dim: index.dim, method, seed },
        { onProgress: (p) => deps.onProgress(p.done, p.total) },
      );
      xy = result.coordinates;
      await deps.files.writeProjection(cacheName, xy);
    }
  }
  const labels = [...new Set(loaded.labels.filter((l) => l !== ''))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  return {
    setId: loaded.set.id,
    method,
    seed,
    count: index.rows,
    coordinates: Array.from(xy),
    imageIds: loaded.rows.map((r) => r.imageId),
    relPaths: loaded.rows.map((r) => r.relPath),
    labelIndex: loaded.labels.map((l) => labelIndex.get(l) ?? -1),
    labels,
  };
}

/** Which rows, in which order, a projection was made of (16 hex digits of a sha256). */
function rowsSignature(loaded: LoadedSet): string {
  const hash = createHash('sha256');
  hash.update(Int32Array.from(loaded.rows.flatMap((r) => [r.imageId, r.row])));
  return hash.digest('hex').slice(0, 16);
}
