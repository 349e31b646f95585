// The library's SQL: datasets and the files found in them. One prepared statement per
// question, typed rows in and out. Only this file writes the datasets/images tables.
import type { Db } from '../../db/open.ts';
import type { DatasetStatus, DatasetSummary, ImageSummary, SkippedFile } from '../../api/contract.ts';
import { naturalSortKey } from './natural-sort.ts';

export interface DatasetRow {
  id: number;
  root: string;
  name: string;
  status: DatasetStatus;
  added_at: string;
  last_scan_at: string | null;
  error: string | null;
  /** Usable and skipped images, kept by migration 0006's triggers on every write of images. */
  image_count: number;
  skipped_count: number;
}

/** What a re-scan needs to know about a file it saw before. */
export interface KnownFile {
  id: number;
  size: number;
  mtimeMs: number;
  status: 'ok' | 'skipped';
  contentHash: string | null;
}

export interface ImageRecord {
  id: number;
  datasetId: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  width: number;
  height: number;
  format: string;
}

export type FileRow =
  | { status: 'ok'; relPath: string; size: number; mtimeMs: number; contentHash: string; width: number; height: number; format: string }
  | { status: 'skipped'; relPath: string; size: number; mtimeMs: number; reason: string };

/** One page of the grid (dataset, limit, offset) in natural order; migration 0005's index covers it. */
export const IMAGE_PAGE_SQL =
  "SELECT id, rel_path, width, height, format, size FROM images WHERE dataset_id = ? AND status = 'ok' ORDER BY sort_key, rel_path LIMIT ? OFFSET ?";

export class Catalogue {
  readonly db: Db;
  private readonly stmt;

  constructor(db: Db) {
    this.db = db;
    this.stmt = {
      insertDataset: db.prepare<[string, string, string]>(
        "INSERT INTO datasets (root, name, status, added_at) VALUES (?, ?, 'scanning', ?) RETURNING id",
      ),
      datasetById: db.prepare<[number], DatasetRow>('SELECT * FROM datasets WHERE id = ?'),
      datasetByRoot: db.prepare<[string], DatasetRow>('SELECT * FROM datasets WHERE root = ?'),
      datasetsByStatus: db.prepare<[DatasetStatus], DatasetRow>('SELECT * FROM datasets WHERE status = ?'),
      allDatasets: db.prepare<[], DatasetRow>('SELECT * FROM datasets ORDER BY added_at, id'),
      // One row, whatever the dataset's size: the triggers of migration 0006 keep the count.
      imageCount: db.prepare<[number], { image_count: number }>('SELECT image_count FROM datasets WHERE id = ?'),
      setStatus: db.prepare<[DatasetStatus, string | null, number]>('UPDATE datasets SET status = ?, error = ? WHERE id = ?'),
      markScanned: db.prepare<[string, number]>("UPDATE datasets SET status = 'ready', error = NULL, last_scan_at = ? WHERE id = ?"),
      deleteDataset: db.prepare<[number]>('DELETE FROM datasets WHERE id = ?'),
      knownPage: db.prepare<[number, number, number], { id: number; rel_path: string; size: number; mtime_ms: number; status: 'ok' | 'skipped'; content_hash: string | null }>(
        'SELECT id, rel_path, size, mtime_ms, status, content_hash FROM images WHERE dataset_id = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      upsertFile: db.prepare(
        `INSERT INTO images (dataset_id, rel_path, sort_key, size, mtime_ms, content_hash, width, height, format, status, reason)
         VALUES (@datasetId, @relPath, @sortKey, @size, @mtimeMs, @contentHash, @width, @height, @format, @status, @reason)
         ON CONFLICT (dataset_id, rel_path) DO UPDATE SET
           size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
           width = excluded.width, height = excluded.height, format = excluded.format,
           status = excluded.status, reason = excluded.reason`,
      ),
      deleteFile: db.prepare<[number]>('DELETE FROM images WHERE id = ?'),
      // Only the version of the file that was catalogued: a re-scan may have replaced the row since.
      markDamaged: db.prepare<[string, number, number, number]>(
        "UPDATE images SET status = 'skipped', reason = ?, content_hash = NULL, width = NULL, height = NULL, format = NULL WHERE id = ? AND status = 'ok' AND size = ? AND mtime_ms = ?",
      ),
      pageOk: db.prepare<[number, number, number], { id: number; rel_path: string; width: number; height: number; format: string; size: number }>(IMAGE_PAGE_SQL),
      skipped: db.prepare<[number], { rel_path: string; reason: string }>(
        "SELECT rel_path, reason FROM images WHERE dataset_id = ? AND status = 'skipped' ORDER BY rel_path",
      ),
      imageByPath: db.prepare<[number, string], { id: number; rel_path: string; size: number; mtime_ms: number; content_hash: string; width: number; height: number; format: string }>(
        "SELECT id, rel_path, size, mtime_ms, content_hash, width, height, format FROM images WHERE dataset_id = ? AND rel_path = ? AND status = 'ok'",
      ),
      imagesAfter: db.prepare<[number, number, number], { id: number; rel_path: string; size: number; mtime_ms: number; content_hash: string; width: number; height: number; format: string }>(
        "SELECT id, rel_path, size, mtime_ms, content_hash, width, height, format FROM images WHERE dataset_id = ? AND status = 'ok' AND id > ? ORDER BY id LIMIT ?",
      ),
    };
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createDataset(root: string, name: string, now: Date = new Date()): number {
    return (this.stmt.insertDataset.get(root, name, now.toISOString()) as { id: number }).id;
  }

  dataset(id: number): DatasetRow | undefined {
    return this.stmt.datasetById.get(id);
  }

  datasetByRoot(root: string): DatasetRow | undefined {
    return this.stmt.datasetByRoot.get(root);
  }

  /** The datasets in `status`. */
  datasetsWithStatus(status: DatasetStatus): DatasetRow[] {
    return this.stmt.datasetsByStatus.all(status);
  }

  listDatasets(): DatasetSummary[] {
    return this.stmt.allDatasets.all().map((row) => ({
      id: row.id,
      path: row.root,
      name: row.name,
      status: row.status,
      imageCount: row.image_count,
      skippedCount: row.skipped_count,
      addedAt: row.added_at,
      lastScanAt: row.last_scan_at,
      error: row.error,
    }));
  }

  setStatus(id: number, status: DatasetStatus, error: string | null = null): void {
    this.stmt.setStatus.run(status, error, id);
  }

  markScanned(id: number, now: Date = new Date()): void {
    this.stmt.markScanned.run(now.toISOString(), id);
  }

  /** Deletes the dataset and (by ON DELETE CASCADE) its rows. Files on disk are not touched. */
  deleteDataset(id: number): void {
    this.stmt.deleteDataset.run(id);
  }

  /** One page of the files known for a dataset (for a re-scan's comparison), after `afterId`. */
  knownFilesPage(datasetId: number, afterId: number, limit: number): Array<KnownFile & { relPath: string }> {
    return this.stmt.knownPage.all(datasetId, afterId, limit).map((r) => ({
      id: r.id,
      relPath: r.rel_path,
      size: r.size,
      mtimeMs: r.mtime_ms,
      status: r.status,
      contentHash: r.content_hash,
    }));
  }

  /** Inserts or replaces the row of `row.relPath`, keeping its id (so later tables' references stay valid). */
  saveFile(datasetId: number, row: FileRow): void {
    this.stmt.upsertFile.run({
      datasetId,
      relPath: row.relPath,
      sortKey: naturalSortKey(row.relPath),
      size: row.size,
      mtimeMs: row.mtimeMs,
      contentHash: row.status === 'ok' ? row.contentHash : null,
      width: row.status === 'ok' ? row.width : null,
      height: row.status === 'ok' ? row.height : null,
      format: row.status === 'ok' ? row.format : null,
      status: row.status,
      reason: row.status === 'skipped' ? row.reason : null,
    });
  }

  deleteFile(id: number): void {
    this.stmt.deleteFile.run(id);
  }

  /**
   * Turns a usable image into a skipped one (its full decode failed after the scan
   * catalogued it from its header). Returns false if the row no longer describes that
   * file (re-scanned, changed or removed since), and then changes nothing.
   */
  markDamaged(image: Pick<ImageRecord, 'id' | 'size' | 'mtimeMs'>, reason: string): boolean {
    return this.stmt.markDamaged.run(reason, image.id, image.size, image.mtimeMs).changes === 1;
  }

  /** Usable images of the dataset (0 for an unknown id). */
  countImages(datasetId: number): number {
    return this.stmt.imageCount.get(datasetId)?.image_count ?? 0;
  }

  /** Usable images in natural path order ("img2" before "img10", case ignored). */
  imagePage(datasetId: number, offset: number, limit: number): ImageSummary[] {
    return this.stmt.pageOk.all(datasetId, limit, offset).map((r) => ({
      id: r.id,
      relPath: r.rel_path,
      width: r.width,
      height: r.height,
      format: r.format,
      bytes: r.size,
    }));
  }

  skippedFiles(datasetId: number): SkippedFile[] {
    return this.stmt.skipped.all(datasetId).map((r) => ({ path: r.rel_path, reason: r.reason }));
  }

  /** A usable image by its path, or undefined. */
  image(datasetId: number, relPath: string): ImageRecord | undefined {
    const r = this.stmt.imageByPath.get(datasetId, relPath);
    return r && toImageRecord(datasetId, r);
  }

  /** Usable images in id order, `limit` at a time after `afterId` (for bulk jobs). */
  imagesAfter(datasetId: number, afterId: number, limit: number): ImageRecord[] {
    return this.stmt.imagesAfter.all(datasetId, afterId, limit).map((r) => toImageRecord(datasetId, r));
  }
}

function toImageRecord(
  datasetId: number,
  r: { id: number; rel_path: string; size: number; mtime_ms: number; content_hash: string; width: number; height: number; format: string },
): ImageRecord {
  return { id: r.id, datasetId, relPath: r.rel_path, size: r.size, mtimeMs: r.mtime_ms, contentHash: r.content_hash, width: r.width, height: r.height, format: r.format };
}
