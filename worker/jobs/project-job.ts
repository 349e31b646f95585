// The 'project' job: UMAP (or PCA) of an embedding set in the worker, so main stays
// responsive during the tens of seconds UMAP takes on 10k points. Progress per epoch
// batch; cancel between epochs.
import { type ProjectionMethod, projectEmbeddings } from '../projection.ts';
import type { JobContext } from './registry.ts';

export interface ProjectJobRequest {
  /** [rows, dim] row-major. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly dim: number;
  readonly method: ProjectionMethod;
  readonly seed: number;
}

export interface ProjectJobProgress {
  readonly done: number;
  readonly total: number;
}

export interface ProjectJobResult {
  /** [rows, 2] row-major in [-1, 1]. */
  readonly coordinates: Float32Array;
}

export async function projectJob(request: ProjectJobRequest, context: JobContext<'project'>): Promise<ProjectJobResult> {
  const coordinates = await projectEmbeddings(request.data, request.rows, request.dim, request.method, {
    seed: request.seed,
    signal: context.signal,
    onProgress: (done, total) => context.progress({ done, total }),
  });
  return { coordinates };
}
