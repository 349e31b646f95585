// An embedding set in memory for queries: the fresh rows (content unchanged since they
// were embedded; stale rows are left out, never mixed in), in path order, as a cosine
// index over their unit vectors. Position p of the index is rows[p]. The vectors live on
// a SharedArrayBuffer: the index thread and the worker's jobs read them without a copy.
//
// Memory is bounded by MAX_INDEX_BYTES: N·D·4 bytes (100k × 512 = 200 MB; 1,000,000 ×
// 512 would be 2 GB) — beyond the cap the set is refused with a message instead of
// exhausting main's memory.
import { CosineIndex, sharedFloat32 } from './cosine-index.ts';
import type { EmbeddingCatalogue, FreshRow, StoredSet } from './embedding-catalogue.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { ExplorerError } from './explorer-errors.ts';

/** 1 GiB of float32: 524,288 images at D = 512, 2,097,152 at D = 128. */
export const MAX_INDEX_BYTES = 1024 ** 3;

export interface LoadedSet {
  readonly set: StoredSet;
  readonly rows: readonly FreshRow[];
  readonly index: CosineIndex;
  /** imageId → position in rows/index. */
  readonly positionOf: ReadonlyMap<number, number>;
  /** The first folder under the dataset root per position ('' at the root). */
  readonly labels: readonly string[];
}

export function labelOf(relPath: string): string {
  const slash = relPath.indexOf('/');
  return slash < 0 ? '' : relPath.slice(0, slash);
}

/** The raw h (not normalised) of the fresh rows: [rows.length, dim], on a SharedArrayBuffer. */
export async function readFreshVectors(files: EmbeddingFiles, set: StoredSet, rows: readonly FreshRow[], maxBytes = MAX_INDEX_BYTES): Promise<Float32Array> {
  const bytes = rows.length * set.dim * 4;
  if (bytes > maxBytes) {
    throw new ExplorerError(
      `embedding set ${set.id} holds ${rows.length.toLocaleString('en')} vectors of ${set.dim} values (${(bytes / 1024 ** 2).toFixed(0)} MB), ` +
        `more than the explorer keeps in memory (${(maxBytes / 1024 ** 2).toFixed(0)} MB): explore a sub-folder as its own dataset`,
    );
  }
  const out = sharedFloat32(rows.length * set.dim);
  if (rows.length === 0 || !set.file) return out;
  const { data, rows: stored } = await files.read(set.file, set.dim);
  rows.forEach((r, p) => {
    if (r.row >= stored) throw new ExplorerError(`the embeddings file of set ${set.id} is shorter than its index (row ${r.row} of ${stored}): compute the embeddings again`);
    out.set(data.subarray(r.row * set.dim, (r.row + 1) * set.dim), p * set.dim);
  });
  return out;
}

/**
 * `normalize` (the index thread's) scales the rows to unit length off the main event
 * loop (≈ 0.5 s at 100k × 512); without it they are normalised here.
 */
export async function loadSet(
  catalogue: EmbeddingCatalogue,
  files: EmbeddingFiles,
  set: StoredSet,
  normalize?: (data: Float32Array, rows: number, dim: number) => Promise<void>,
): Promise<LoadedSet> {
  const rows = catalogue.freshRows(set.id);
  if (rows.length === 0) {
    throw new ExplorerError(
      set.file === null
        ? `embedding set ${set.id} has not been computed yet: compute the embeddings first`
        : `embedding set ${set.id} has no up-to-date embeddings (the dataset changed since, or no image could be read): compute the embeddings again`,
    );
  }
  const vectors = await readFreshVectors(files, set, rows);
  if (normalize) await normalize(vectors, rows.length, set.dim);
  return {
    set,
    rows,
    index: normalize ? CosineIndex.ofUnitRows(vectors, rows.length, set.dim) : CosineIndex.adopt(vectors, rows.length, set.dim),
    positionOf: new Map(rows.map((r, p) => [r.imageId, p])),
    labels: rows.map((r) => labelOf(r.relPath)),
  };
}
