// The explorer's SQL (migration 0003): embedding sets and, per image, which row of the
// set's file holds its h and the content hash it was computed from. One prepared
// statement per question; a new generation of a set is committed in one transaction.
// Main is the only writer (DESIGN.md §2).
import type { Db } from '../../db/open.ts';
import type { EmbeddingEncoderKind, EmbeddingSetStatus, EmbeddingSetSummary } from '../../api/contract.ts';

export type CheckpointChoice = 'last' | number;

interface SetRow {
  id: number;
  run_id: number;
  dataset_id: number;
  encoder: EmbeddingEncoderKind;
  checkpoint: string;
  checkpoint_step: number;
  checkpoint_stamp: string | null;
  dim: number;
  file: string | null;
  status: Exclude<EmbeddingSetStatus, 'stale'>;
  error: string | null;
  updated_at: string;
}

export interface StoredSet {
  readonly id: number;
  readonly runId: number;
  readonly datasetId: number;
  readonly encoder: EmbeddingEncoderKind;
  readonly checkpoint: CheckpointChoice;
  readonly checkpointStep: number;
  /** Identity of the checkpoint file the rows came from (size and mtime, or random:seed; see resolveEncoder in run-encoder.ts). */
  readonly checkpointStamp: string | null;
  readonly dim: number;
  readonly file: string | null;
  readonly status: Exclude<EmbeddingSetStatus, 'stale'>;
}

/** An image of the set whose stored h matches the catalogue's current content. */
export interface FreshRow {
  readonly imageId: number;
  readonly row: number;
  readonly relPath: string;
}

/** A usable image of the dataset as catalogued now. */
export interface CatalogueImage {
  readonly imageId: number;
  readonly relPath: string;
  readonly contentHash: string;
}

/** What a new generation stores per image: a row of the new file, or why it could not be embedded. */
export type NewRow = { readonly imageId: number; readonly contentHash: string } & ({ readonly row: number } | { readonly reason: string });

export class EmbeddingCatalogue {
  readonly #db: Db;
  readonly #q;

  constructor(db: Db) {
    this.#db = db;
    this.#q = {
      find: db.prepare<[number, string, string], SetRow>('SELECT * FROM embedding_sets WHERE run_id = ? AND encoder = ? AND checkpoint = ?'),
      byId: db.prepare<[number], SetRow>('SELECT * FROM embedding_sets WHERE id = ?'),
      byRun: db.prepare<[number], SetRow>('SELECT * FROM embedding_sets WHERE run_id = ? ORDER BY id'),
      insert: db.prepare<[number, number, string, string, string]>(
        "INSERT INTO embedding_sets (run_id, dataset_id, encoder, checkpoint, status, updated_at) VALUES (?, ?, ?, ?, 'computing', ?)",
      ),
      setStatus: db.prepare<[string, string | null, string, number]>('UPDATE embedding_sets SET status = ?, error = ?, updated_at = ? WHERE id = ?'),
      commitGeneration: db.prepare<[number, string, number, string, string, number]>(
        "UPDATE embedding_sets SET checkpoint_step = ?, checkpoint_stamp = ?, dim = ?, file = ?, status = 'ready', error = NULL, updated_at = ? WHERE id = ?",
      ),
      deleteRows: db.prepare<[number]>('DELETE FROM embedding_rows WHERE set_id = ?'),
      insertRow: db.prepare<[number, number, string, number | null, string | null]>(
        'INSERT INTO embedding_rows (set_id, image_id, content_hash, row, reason) VALUES (?, ?, ?, ?, ?)',
      ),
      fresh: db.prepare<[number], { image_id: number; row: number; rel_path: string }>(
        `SELECT r.image_id, r.row, i.rel_path FROM embedding_rows r JOIN images i ON i.id = r.image_id
         WHERE r.set_id = ? AND r.row IS NOT NULL AND i.status = 'ok' AND i.content_hash = r.content_hash
         ORDER BY i.rel_path`,
      ),
      // Usable images of the dataset without an up-to-date entry (new or changed since).
      staleCount: db.prepare<[number, number], { n: number }>(
        `SELECT count(*) AS n FROM images i WHERE i.dataset_id = ? AND i.status = 'ok' AND NOT EXISTS
           (SELECT 1 FROM embedding_rows r WHERE r.set_id = ? AND r.image_id = i.id AND r.content_hash = i.content_hash)`,
      ),
      freshCount: db.prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM embedding_rows r JOIN images i ON i.id = r.image_id
         WHERE r.set_id = ? AND r.row IS NOT NULL AND i.status = 'ok' AND i.content_hash = r.content_hash`,
      ),
      skippedCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM embedding_rows WHERE set_id = ? AND row IS NULL'),
      images: db.prepare<[number], { id: number; rel_path: string; content_hash: string }>(
        "SELECT id, rel_path, content_hash FROM images WHERE dataset_id = ? AND status = 'ok' ORDER BY rel_path",
      ),
      // Entries still valid for reuse: same content as the catalogue now.
      reusable: db.prepare<[number], { image_id: number; content_hash: string; row: number | null; reason: string | null }>(
        `SELECT r.image_id, r.content_hash, r.row, r.reason FROM embedding_rows r JOIN images i ON i.id = r.image_id
         WHERE r.set_id = ? AND i.status = 'ok' AND i.content_hash = r.content_hash`,
      ),
      files: db.prepare<[], { file: string }>('SELECT file FROM embedding_sets WHERE file IS NOT NULL'),
      interrupted: db.prepare<[string, string]>(
        "UPDATE embedding_sets SET status = CASE WHEN file IS NULL THEN 'failed' ELSE 'ready' END, error = ?, updated_at = ? WHERE status = 'computing'",
      ),
    };
  }

  /** The set for (run, encoder, checkpoint), created in state 'computing' if new. */
  findOrCreate(runId: number, datasetId: number, encoder: EmbeddingEncoderKind, checkpoint: CheckpointChoice): StoredSet {
    const key = String(checkpoint);
    const existing = this.#q.find.get(runId, encoder, key);
    if (existing) return toStored(existing);
    const id = Number(this.#q.insert.run(runId, datasetId, encoder, key, now()).lastInsertRowid);
    return toStored(this.#q.byId.get(id)!);
  }

  get(setId: number): StoredSet | undefined {
    const row = this.#q.byId.get(setId);
    return row ? toStored(row) : undefined;
  }

  setStatus(setId: number, status: 'computing' | 'failed' | 'cancelled' | 'ready', error: string | null = null): void {
    this.#q.setStatus.run(status, error, now(), setId);
  }

  /** Replaces the set's rows and points it at `file`, atomically. */
  commitGeneration(setId: number, generation: { checkpointStep: number; checkpointStamp: string; dim: number; file: string; rows: readonly NewRow[] }): void {
    this.#db.transaction(() => {
      this.#q.deleteRows.run(setId);
      for (const r of generation.rows) {
        this.#q.insertRow.run(setId, r.imageId, r.contentHash, 'row' in r ? r.row : null, 'reason' in r ? r.reason : null);
      }
      this.#q.commitGeneration.run(generation.checkpointStep, generation.checkpointStamp, generation.dim, generation.file, now(), setId);
    })();
  }

  /** Rows that may be served (content unchanged), in path order. */
  freshRows(setId: number): FreshRow[] {
    return this.#q.fresh.all(setId).map((r) => ({ imageId: r.image_id, row: r.row, relPath: r.rel_path }));
  }

  reusableEntries(setId: number): { imageId: number; contentHash: string; row: number | null; reason: string | null }[] {
    return this.#q.reusable.all(setId).map((r) => ({ imageId: r.image_id, contentHash: r.content_hash, row: r.row, reason: r.reason }));
  }

  datasetImages(datasetId: number): CatalogueImage[] {
    return this.#q.images.all(datasetId).map((r) => ({ imageId: r.id, relPath: r.rel_path, contentHash: r.content_hash }));
  }

  summary(setId: number): EmbeddingSetSummary {
    const row = this.#q.byId.get(setId);
    if (!row) throw new Error(`embedding set ${setId} does not exist`);
    return this.#summarise(row);
  }

  listByRun(runId: number): EmbeddingSetSummary[] {
    return this.#q.byRun.all(runId).map((row) => this.#summarise(row));
  }

  /** Sets left 'computing' by a process that stopped: usable again if they have a generation, else failed. */
  markInterrupted(message: string): void {
    this.#q.interrupted.run(message, now());
  }

  /** The vector files of run `runId`'s sets (one current generation each). */
  filesOfRun(runId: number): string[] {
    return this.#q.byRun.all(runId).flatMap((row) => (row.file ? [row.file] : []));
  }

  referencedFiles(): Set<string> {
    return new Set(this.#q.files.all().map((r) => r.file));
  }

  #summarise(row: SetRow): EmbeddingSetSummary {
    const staleCount = row.file ? this.#q.staleCount.get(row.dataset_id, row.id)!.n : 0;
    const status: EmbeddingSetStatus = row.status === 'ready' && staleCount > 0 ? 'stale' : row.status;
    return {
      ...identityOf(row),
      count: row.file ? this.#q.freshCount.get(row.id)!.n : 0,
      dim: row.dim,
      status,
      staleCount,
      skippedCount: this.#q.skippedCount.get(row.id)!.n,
      updatedAt: row.updated_at,
      error: row.error,
    };
  }
}

/** What a set is (run, dataset, encoder, checkpoint): the fields a stored set and its summary share. */
function identityOf(row: SetRow): Pick<StoredSet, 'id' | 'runId' | 'datasetId' | 'encoder' | 'checkpoint' | 'checkpointStep'> {
  return {
    id: row.id,
    runId: row.run_id,
    datasetId: row.dataset_id,
    encoder: row.encoder,
    checkpoint: parseCheckpoint(row.checkpoint),
    checkpointStep: row.checkpoint_step,
  };
}

function toStored(row: SetRow): StoredSet {
  return {
    ...identityOf(row),
    checkpointStamp: row.checkpoint_stamp,
    dim: row.dim,
    file: row.file,
    status: row.status,
  };
}

function parseCheckpoint(text: string): CheckpointChoice {
  return text === 'last' ? 'last' : Number(text);
}

function now(): string {
  return new Date().toISOString();
}
