// Thumbnails for the library grid: made with sharp (EXIF orientation applied, so a
// portrait photo shows upright), cached on disk by content hash + size, made lazily
// when asked for (what is on screen) and in bulk after a scan with bounded
// concurrency. The Electron protocol and the web server both call `thumbnailFile`.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../error-message.ts';
import type { ImageRecord } from '../library/catalogue.ts';
import type { ImageTasks } from '../library/image-tasks.ts';
import { forEachConcurrent } from '../library/concurrency.ts';
import { resolveInsideDataset, UnsafePathError } from '../safe-path.ts';
import type { ThumbnailOutcome } from './render-thumbnail.ts';
import { THUMBNAIL_CONTENT_TYPE, thumbnailPath } from './thumbnail-cache.ts';

export const DEFAULT_THUMBNAIL_SIZE = 256;

export type ThumbnailErrorCode = 'invalid-path' | 'not-found' | 'changed' | 'unreadable';

/** A thumbnail that cannot be served; `code` maps to an HTTP status (400, 404, 409, 422). */
export class ThumbnailError extends Error {
  override name = 'ThumbnailError';
  readonly code: ThumbnailErrorCode;
  constructor(code: ThumbnailErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** What the thumbnail service needs from the library. */
export interface ThumbnailSource {
  datasetRoot(datasetId: number): string;
  image(datasetId: number, relPath: string): ImageRecord | undefined;
  imagesAfter(datasetId: number, afterId: number, limit: number): ImageRecord[];
  /** The image does not decode (`damage`: the decoder's reason): it is no longer usable. */
  markDamaged(image: ImageRecord, damage: string): void;
}

export interface ThumbnailFile {
  path: string;
  contentType: string;
}

export interface ThumbnailServiceOptions {
  /** <dataDir>/thumbnails */
  cacheDir: string;
  source: ThumbnailSource;
  /** Renders the files (in the image worker thread, normally); its owner closes it. */
  tasks: ImageTasks;
  /** Longest side in pixels (default 256). */
  size?: number;
  /** Thumbnails requested at once by bulk jobs (default 4: keeps the worker and thread pool busy). */
  bulkConcurrency?: number;
}

export class ThumbnailService {
  readonly size: number;
  private readonly cacheDir: string;
  private readonly source: ThumbnailSource;
  private readonly tasks: ImageTasks;
  private readonly bulkConcurrency: number;
  /** Thumbnails being made, by output path: a second request waits for the first. */
  private readonly inFlight = new Map<string, Promise<ThumbnailOutcome>>();
  private readonly bulkJobs = new Map<number, AbortController>();
  private closed = false;
  /** Cache sub-folders known to exist (saves a mkdir per thumbnail). */
  private readonly shards = new Set<string>();

  constructor(options: ThumbnailServiceOptions) {
    this.cacheDir = options.cacheDir;
    this.source = options.source;
    this.tasks = options.tasks;
    this.size = options.size ?? DEFAULT_THUMBNAIL_SIZE;
    this.bulkConcurrency = options.bulkConcurrency ?? 4;
  }

  /**
   * The thumbnail of image `relPath` of dataset `datasetId`, made now if not cached.
   * Throws ThumbnailError: 'invalid-path' (unsafe path), 'not-found' (no such usable
   * image or dataset), 'changed' (the file changed since the last scan), 'unreadable'.
   */
  async thumbnailFile(datasetId: number, relPath: string): Promise<ThumbnailFile> {
    let root: string;
    try {
      root = this.source.datasetRoot(datasetId);
    } catch (error) {
      throw new ThumbnailError('not-found', errorMessage(error));
    }
    let absPath: string;
    try {
      absPath = await resolveInsideDataset(root, relPath);
    } catch (error) {
      if (error instanceof UnsafePathError) throw new ThumbnailError('invalid-path', error.message);
      throw new ThumbnailError('not-found', `The image '${relPath}' is not in the folder any more (re-scan to update the library).`);
    }
    const image = this.source.image(datasetId, relPath);
    if (!image) throw new ThumbnailError('not-found', `'${relPath}' is not a usable image of this dataset.`);
    return { path: (await this.ensure(image, async () => absPath)).path, contentType: THUMBNAIL_CONTENT_TYPE };
  }

  /**
   * Makes the missing thumbnails of a dataset in the background, `bulkConcurrency` at a
   * time; a second call for the same dataset restarts it. Resolves with the number made.
   */
  async prefetchDataset(datasetId: number): Promise<number> {
    if (this.closed) return 0;
    this.cancelPrefetch(datasetId);
    const controller = new AbortController();
    this.bulkJobs.set(datasetId, controller);
    let made = 0;
    try {
      const root = this.source.datasetRoot(datasetId);
      let afterId = 0;
      while (!controller.signal.aborted) {
        const page = this.source.imagesAfter(datasetId, afterId, 500);
        if (page.length === 0) break;
        afterId = page.at(-1)!.id;
        await forEachConcurrent(
          page,
          this.bulkConcurrency,
          async (image) => {
            try {
              // The file is resolved (realpath, symlink escapes refused) only if its
              // thumbnail must be made: a cached one costs one stat, and nothing is read.
              if ((await this.ensure(image, () => resolveInsideDataset(root, image.relPath))).made) made++;
            } catch {
              // One bad or vanished file must not stop the others; lazy requests report it.
            }
          },
          controller.signal,
        );
      }
      return made;
    } finally {
      if (this.bulkJobs.get(datasetId) === controller) this.bulkJobs.delete(datasetId);
    }
  }

  /**
   * Prefetches several datasets one after another, not all at once: each pass keeps
   * `bulkConcurrency` renders in flight, and each render may hold its file (up to 16 MB) in memory.
   * Stops at close(); never rejects.
   */
  async prefetchDatasets(datasetIds: readonly number[]): Promise<void> {
    for (const id of datasetIds) {
      if (this.closed) return;
      await this.prefetchDataset(id).catch(() => undefined);
    }
  }

  cancelPrefetch(datasetId: number): void {
    this.bulkJobs.get(datasetId)?.abort();
    this.bulkJobs.delete(datasetId);
  }

  /** Stops every bulk job and waits for thumbnails being written. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.bulkJobs.keys()]) this.cancelPrefetch(id);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * The cached thumbnail's path, made now if missing (`made` tells which). The cache key
   * is the catalogued content hash, so a hit needs nothing from the image file;
   * `resolve` gives the file's checked path (see resolveInsideDataset) and is called
   * only on a miss, before anything is read.
   */
  private async ensure(image: ImageRecord, resolve: () => Promise<string>): Promise<{ path: string; made: boolean }> {
    const out = thumbnailPath(this.cacheDir, image.contentHash, this.size);
    const cached = await stat(out).catch(() => null);
    if (cached && cached.size > 0) return { path: out, made: false };
    // Resolved before joining a job in flight, so that a refused path fails here even if
    // another file with the same content is being made.
    const absPath = await resolve();
    // close() waits for the jobs in flight when it is called; one begun or joined after
    // that would render into the cache and mark the catalogue of a closed studio.
    if (this.closed) throw new ThumbnailError('unreadable', `Could not make a thumbnail of '${image.relPath}': the library is closing.`);
    // Someone else is making it (a file with the same content): wait, do not make it twice.
    const running = this.inFlight.get(out);
    let outcome: ThumbnailOutcome;
    if (running) {
      outcome = await running;
    } else {
      const job = this.make(image, absPath, out).finally(() => this.inFlight.delete(out));
      this.inFlight.set(out, job);
      outcome = await job;
    }
    if (!outcome.made) {
      // The scan may have catalogued it from its header only (deferDecode): this was its
      // full decode, so the library learns it is damaged and lists it as skipped. Same
      // bytes, same verdict: a file that joined another's job is marked as well.
      this.source.markDamaged(image, outcome.damage);
      throw new ThumbnailError('unreadable', `Could not make a thumbnail of '${image.relPath}': ${outcome.damage}`);
    }
    return { path: out, made: !running };
  }

  /** Renders the thumbnail; an image that does not decode is an outcome (see renderThumbnail), anything else throws ThumbnailError. */
  private async make(image: ImageRecord, absPath: string, out: string): Promise<ThumbnailOutcome> {
    const current = await stat(absPath);
    // The cache key is the hash recorded at scan time; a file changed since would be
    // cached under the wrong key.
    if (current.size !== image.size || current.mtimeMs !== image.mtimeMs) {
      throw new ThumbnailError('changed', `'${image.relPath}' changed since the last scan; re-scan the folder to update it.`);
    }
    const shard = path.dirname(out);
    if (!this.shards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.shards.add(shard);
    }
    try {
      return await this.tasks.thumbnail({ absPath, out, size: this.size, maxPixels: image.width * image.height + 1, format: image.format, fileBytes: current.size });
    } catch (error) {
      this.shards.delete(shard); // the cache folder may have been deleted under us: re-create next time
      throw new ThumbnailError('unreadable', `Could not make a thumbnail of '${image.relPath}': ${errorMessage(error)}`);
    }
  }
}
