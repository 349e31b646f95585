// One (re)computation of an embedding set: find the images whose h is missing or out of
// date (new or changed content since the last generation, or another checkpoint file),
// have the worker embed only those, then write a new generation — the reused rows copied
// from the old file plus the new ones — atomically, and commit its index in one
// transaction. The old file is deleted only after the commit.
import type { EmbedJobRequest, EmbedJobResult, EmbedJobProgress } from '../../../worker/jobs/embed-job.ts';
import type { CatalogueImage, EmbeddingCatalogue, NewRow, StoredSet } from './embedding-catalogue.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { workerImage } from '../library/image-location.ts';
import type { ResolvedEncoder } from './run-encoder.ts';
import { ExplorerError } from './explorer-errors.ts';
import { MAX_INDEX_BYTES } from './loaded-set.ts';

export interface EmbedRunner {
  (request: EmbedJobRequest, options: { onProgress: (p: EmbedJobProgress) => void; signal: AbortSignal }): Promise<EmbedJobResult>;
}

export interface ComputeContext {
  readonly catalogue: EmbeddingCatalogue;
  readonly files: EmbeddingFiles;
  readonly embed: EmbedRunner;
  readonly cacheDir: string;
  readonly signal: AbortSignal;
  /** 'loading': reading and decoding the files to embed; 'embedding': running the encoder. */
  readonly onProgress: (phase: 'loading' | 'embedding', done: number, total: number) => void;
}

export interface ComputeOutcome {
  readonly embedded: number;
  readonly reused: number;
  readonly skipped: number;
}

export async function computeGeneration(ctx: ComputeContext, set: StoredSet, datasetRoot: string, encoder: ResolvedEncoder): Promise<ComputeOutcome> {
  ctx.signal.throwIfAborted();
  const images = ctx.catalogue.datasetImages(set.datasetId);
  const sameEncoder = set.file !== null && set.checkpointStamp === encoder.stamp;
  const reusable = sameEncoder ? ctx.catalogue.reusableEntries(set.id) : [];
  const done = new Set(reusable.map((r) => r.imageId));
  const todo: CatalogueImage[] = images.filter((image) => !done.has(image.imageId));
  ctx.onProgress('loading', 0, todo.length);

  const result = todo.length
    ? await ctx.embed(
        { images: todo.map((image) => workerImage(datasetRoot, image.relPath)), encoder: encoder.source, cacheDir: ctx.cacheDir },
        { signal: ctx.signal, onProgress: (p) => ctx.onProgress(p.phase === 'preparing' ? 'loading' : 'embedding', p.done, p.total) },
      )
    : undefined;
  const dim = result?.rows ? result.dim : set.dim;

  // New file: reused rows first (in their old order), then the newly embedded ones.
  const reusedRows = reusable.filter((r) => r.row !== null);
  const old = reusedRows.length && set.file ? await ctx.files.read(set.file, set.dim) : undefined;
  const total = reusedRows.length + (result?.rows ?? 0);
  if (total * dim * 4 > MAX_INDEX_BYTES) {
    // Refused before a generation is written that no query could load (loaded-set.ts).
    throw new ExplorerError(
      `${total.toLocaleString('en')} images × ${dim} values (${((total * dim * 4) / 1024 ** 2).toFixed(0)} MB) is more than the explorer keeps in memory ` +
        `(${(MAX_INDEX_BYTES / 1024 ** 2).toFixed(0)} MB): explore a sub-folder as its own dataset`,
    );
  }
  const data = new Float32Array(total * dim); // [total, dim]
  const rows: NewRow[] = [];
  reusedRows.forEach((r, i) => {
    data.set(old!.data.subarray(r.row! * dim, (r.row! + 1) * dim), i * dim);
    rows.push({ imageId: r.imageId, contentHash: r.contentHash, row: i });
  });
  for (const r of reusable) if (r.row === null) rows.push({ imageId: r.imageId, contentHash: r.contentHash, reason: r.reason ?? 'could not be read' });
  if (result) {
    data.set(result.data, reusedRows.length * dim);
    for (let j = 0; j < result.rows; j++) {
      rows.push({ imageId: todo[result.imageIndex[j]!]!.imageId, contentHash: result.contentHash[j]!, row: reusedRows.length + j });
    }
    // An image that could not be decoded is remembered with the catalogue's hash, so it
    // is tried again only when its content changes.
    for (const s of result.skipped) if (s.index >= 0) rows.push({ imageId: todo[s.index]!.imageId, contentHash: todo[s.index]!.contentHash, reason: s.reason });
  }
  const file = ctx.files.newName(set.id);
  await ctx.files.write(file, data);
  ctx.catalogue.commitGeneration(set.id, { checkpointStep: result?.checkpointStep ?? set.checkpointStep, checkpointStamp: encoder.stamp, dim, file, rows });
  if (set.file) await ctx.files.remove(set.file);
  return { embedded: result?.rows ?? 0, reused: reusedRows.length, skipped: rows.length - total };
}
