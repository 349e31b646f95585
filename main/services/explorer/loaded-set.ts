// An embedding set in memory for queries: the fresh rows (content unchanged since they
// were embedded; stale rows are left out, never mixed in), in path order, as a cosine
// index over their unit vectors. Position p of the index is rows[p]. The vectors live on
// a SharedArrayBuffer: the index thread and the worker's jobs read them without a copy.
// With the explorer's index thread, reading the file, gathering the rows and
// normalising them happen there (≈ 0.5 s of copying at 100k × 512 off the main loop).
//
// Memory is bounded by MAX_INDEX_BYTES: N·D·4 bytes (100k × 512 = 200 MB; 1,000,000 ×
// 512 would be 2 GB) — beyond the cap the set is refused with a message instead of
// exhausting main's memory.
import { labelOf } from '../../../worker/data/list-images.ts';
import { CosineIndex, normalizeRowsInPlace, sharedFloat32 } from './cosine-index.ts';
import type { EmbeddingCatalogue, FreshRow, StoredSet } from './embedding-catalogue.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { ExplorerError } from './explorer-errors.ts';
import type { IndexThread } from './index-thread.ts';

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

/** Refuses a set of `count` vectors above the memory cap, before anything is read. */
function checkSize(set: StoredSet, count: number, maxBytes: number): void {
  const bytes = count * set.dim * 4;
  if (bytes > maxBytes) {
    throw new ExplorerError(
      `embedding set ${set.id} holds ${count.toLocaleString('en')} vectors of ${set.dim} values (${(bytes / 1024 ** 2).toFixed(0)} MB), ` +
        `more than the explorer keeps in memory (${(maxBytes / 1024 ** 2).toFixed(0)} MB): explore a sub-folder as its own dataset`,
    );
  }
}

/**
 * out[p] = file row fileRows[p] of `data` ([stored, dim], the whole file): [fileRows.length, dim].
 * A row past the end of the file is refused (the file and the index disagree).
 */
export function gatherRows(data: Float32Array, stored: number, dim: number, fileRows: ArrayLike<number>, out: Float32Array, setId: number): void {
  for (let p = 0; p < fileRows.length; p++) {
    const r = fileRows[p]!;
    if (r >= stored) throw new ExplorerError(`the embeddings file of set ${setId} is shorter than its index (row ${r} of ${stored}): compute the embeddings again`);
    out.set(data.subarray(r * dim, (r + 1) * dim), p * dim);
  }
}

/**
 * Reads the set's `file`, gathers its rows `fileRows` into `unit` ([fileRows.length, dim])
 * and scales them to unit length: loadSet's work, on the index thread or in main.
 */
export async function readUnitRows(files: EmbeddingFiles, file: string, setId: number, dim: number, fileRows: Int32Array, unit: Float32Array): Promise<void> {
  const { data, rows: stored } = await files.read(file, dim);
  gatherRows(data, stored, dim, fileRows, unit, setId);
  normalizeRowsInPlace(unit, fileRows.length, dim);
}

/** The raw h (not normalised) of the fresh rows: [rows.length, dim]. */
export async function readFreshVectors(files: EmbeddingFiles, set: StoredSet, rows: readonly FreshRow[], maxBytes = MAX_INDEX_BYTES): Promise<Float32Array> {
  checkSize(set, rows.length, maxBytes);
  const out = new Float32Array(rows.length * set.dim);
  if (rows.length === 0 || !set.file) return out;
  const { data, rows: stored } = await files.read(set.file, set.dim);
  gatherRows(data, stored, set.dim, rows.map((r) => r.row), out, set.id);
  return out;
}

/** `thread`: the explorer's index thread reads and normalises the rows (else main does). */
export async function loadSet(catalogue: EmbeddingCatalogue, files: EmbeddingFiles, set: StoredSet, thread?: IndexThread): Promise<LoadedSet> {
  const rows = catalogue.freshRows(set.id);
  if (rows.length === 0 || !set.file) {
    throw new ExplorerError(
      set.file === null
        ? `embedding set ${set.id} has not been computed yet: compute the embeddings first`
        : `embedding set ${set.id} has no up-to-date embeddings (the dataset changed since, or no image could be read): compute the embeddings again`,
    );
  }
  checkSize(set, rows.length, MAX_INDEX_BYTES);
  const unit = sharedFloat32(rows.length * set.dim); // [rows, dim]
  const fileRows = Int32Array.from(rows, (r) => r.row);
  if (thread) {
    await thread.loadUnitRows(files, set.file, set.id, set.dim, fileRows, unit);
  } else {
    await readUnitRows(files, set.file, set.id, set.dim, fileRows, unit);
  }
  return {
    set,
    rows,
    index: CosineIndex.ofUnitRows(unit, rows.length, set.dim),
    positionOf: new Map(rows.map((r, p) => [r.imageId, p])),
    labels: rows.map((r) => labelOf(r.relPath)),
  };
}
