// The image library as the app uses it: add a folder (or re-scan it if it is already
// there), cancel a scan, remove a folder from the catalogue (never touching its
// files), and page through images and skipped files. One scan per dataset at a time:
// asking again while it runs joins the running scan.
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetSummary, ImagePage, ScanProgress, ScanResult, SkippedFile } from '../../api/contract.ts';
import { errorMessage } from '../../error-message.ts';
import type { Catalogue, ImageRecord } from './catalogue.ts';
import { DEFAULT_MAX_PIXELS } from './inspect-file.ts';
import type { ImageTasks } from './image-tasks.ts';
import { scanDataset } from './scan.ts';
import * as reasons from './skip-reasons.ts';
import { RootUnavailableError } from './walk.ts';

/** A request the user can fix (bad path, unknown dataset): shown as its message. */
export class LibraryError extends Error {
  override name = 'LibraryError';
}

export interface LibraryOptions {
  maxPixels?: number;
  /** Scan batch size (default 8): files go to the image worker in batches of half this, several batches at a time (scan.ts). */
  scanConcurrency?: number;
  progressIntervalMs?: number;
  /**
   * Real paths of folders never scanned: the app's data folder, so that adding a parent
   * of it (a home folder) does not catalogue its thumbnails and caches.
   */
  excludedFolders?: readonly string[];
  onProgress?: (progress: ScanProgress) => void;
  /** Called whenever the list of datasets or their status/counts change. */
  onDatasetsChanged?: () => void;
  /** Called after a scan finished (not cancelled), e.g. to start making thumbnails. */
  onScanFinished?: (datasetId: number) => void;
  /**
   * Catalogue small intact JPEGs and PNGs from their header and leave their full decode to the
   * thumbnail pass (InspectOptions.deferDecode). Set only when onScanFinished makes
   * every image's thumbnail; that pass reports damage back through markDamaged.
   */
  deferDecode?: boolean;
}

/** markDamaged's notices are gathered this long (the UI refreshes at most this often for them). */
export const DAMAGE_NOTICE_MS = 200;

interface RunningScan {
  controller: AbortController;
  done: Promise<ScanResult>;
}

export class LibraryService {
  private readonly catalogue: Catalogue;
  private readonly options: LibraryOptions;
  private readonly running = new Map<number, RunningScan>();
  private readonly tasks: ImageTasks;
  private readonly excludedFolders: ReadonlySet<string>;
  /** The pending datasetsChanged of markDamaged, if any. */
  private damageNotice: NodeJS.Timeout | null = null;

  /** `tasks` does the per-file work (see image-tasks.ts); its owner closes it. */
  constructor(catalogue: Catalogue, tasks: ImageTasks, options: LibraryOptions = {}) {
    this.catalogue = catalogue;
    this.tasks = tasks;
    this.options = options;
    this.excludedFolders = new Set(options.excludedFolders ?? []);
  }

  /**
   * Adds the folder at `folderPath` and scans it; if the same folder (after resolving
   * symlinks) is already in the library, re-scans it instead of adding a duplicate.
   * A folder inside (or containing) another dataset is allowed: each dataset is its
   * own view of the disk, and caches are keyed by content so nothing is stored twice.
   */
  async addFolder(folderPath: string): Promise<ScanResult> {
    const root = await resolveFolder(folderPath);
    const existing = this.catalogue.datasetByRoot(root);
    if (existing) return this.rescan(existing.id);
    let id: number;
    try {
      id = this.catalogue.createDataset(root, path.basename(root) || root);
    } catch (error) {
      // Another process (the CLI next to the app) added it a moment ago: re-scan that one.
      const added = (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? this.catalogue.datasetByRoot(root) : undefined;
      if (added) return this.rescan(added.id);
      throw error;
    }
    // No datasetsChanged here: startScan announces the new dataset as 'scanning' at once.
    return this.startScan(id, root);
  }

  async rescan(datasetId: number): Promise<ScanResult> {
    const running = this.running.get(datasetId);
    if (running) return running.done;
    const dataset = this.requireDataset(datasetId);
    return this.startScan(datasetId, dataset.root);
  }

  /** Stops a running scan (what it already recorded stays); resolves when it has stopped. */
  async cancel(datasetId: number): Promise<void> {
    this.requireDataset(datasetId);
    const running = this.running.get(datasetId);
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }

  /** Removes the dataset and its rows from the catalogue. The folder and its images are not touched. */
  async remove(datasetId: number): Promise<void> {
    await this.cancel(datasetId);
    this.catalogue.deleteDataset(datasetId);
    this.options.onDatasetsChanged?.();
  }

  /**
   * Marks datasets left 'scanning' by a process that stopped mid-scan (a crash, a
   * closed window) as 'ready' again: what that scan recorded is valid, and a re-scan
   * completes it. Call once at start-up. Returns how many were reset.
   */
  recoverInterruptedScans(): number {
    let reset = 0;
    for (const dataset of this.catalogue.datasetsWithStatus('scanning')) {
      if (this.running.has(dataset.id)) continue;
      this.catalogue.setStatus(dataset.id, 'ready', null);
      reset++;
    }
    return reset;
  }

  listDatasets(): DatasetSummary[] {
    return this.catalogue.listDatasets();
  }

  listImages(datasetId: number, offset: number, limit: number): ImagePage {
    this.requireDataset(datasetId);
    return { total: this.catalogue.countImages(datasetId), offset, images: this.catalogue.imagePage(datasetId, offset, limit) };
  }

  listSkipped(datasetId: number): SkippedFile[] {
    this.requireDataset(datasetId);
    return this.catalogue.skippedFiles(datasetId);
  }

  /** The dataset's root (real path); throws LibraryError for an unknown id. */
  datasetRoot(datasetId: number): string {
    return this.requireDataset(datasetId).root;
  }

  image(datasetId: number, relPath: string): ImageRecord | undefined {
    return this.catalogue.image(datasetId, relPath);
  }

  imagesAfter(datasetId: number, afterId: number, limit: number): ImageRecord[] {
    return this.catalogue.imagesAfter(datasetId, afterId, limit);
  }

  /**
   * Records that a catalogued image does not decode (found by the thumbnail pass, which
   * decodes what the scan only read the header of): it moves to the skipped list with
   * `damage` (sharp's words) as the reason, and the dataset's counts change.
   */
  markDamaged(image: ImageRecord, damage: string): void {
    if (!this.catalogue.markDamaged(image, reasons.damaged(image.relPath, image.format, damage))) return;
    // One notice for all the files a pass finds within DAMAGE_NOTICE_MS: each notice makes
    // the UI reload its lists, and a folder may hold hundreds of such files.
    this.damageNotice ??= setTimeout(() => {
      this.damageNotice = null;
      this.options.onDatasetsChanged?.();
    }, DAMAGE_NOTICE_MS).unref();
  }

  isScanning(datasetId: number): boolean {
    return this.running.has(datasetId);
  }

  /** Cancels every running scan and waits for them (used on shutdown). */
  async cancelAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id)));
  }

  private requireDataset(datasetId: number) {
    const dataset = this.catalogue.dataset(datasetId);
    if (!dataset) throw new LibraryError(`There is no dataset with id ${datasetId} in the library (it may have been removed).`);
    return dataset;
  }

  private startScan(datasetId: number, root: string): Promise<ScanResult> {
    const controller = new AbortController();
    const done = this.runScan(datasetId, root, controller.signal).finally(() => this.running.delete(datasetId));
    this.running.set(datasetId, { controller, done });
    return done;
  }

  private async runScan(datasetId: number, root: string, signal: AbortSignal): Promise<ScanResult> {
    this.catalogue.setStatus(datasetId, 'scanning');
    this.options.onDatasetsChanged?.();
    try {
      const result = await scanDataset(this.catalogue, { id: datasetId, root }, {
        maxPixels: this.options.maxPixels ?? DEFAULT_MAX_PIXELS,
        concurrency: this.options.scanConcurrency ?? 8,
        tasks: this.tasks,
        deferDecode: this.options.deferDecode ?? false,
        excludedFolders: this.excludedFolders,
        progressIntervalMs: this.options.progressIntervalMs,
        onProgress: this.options.onProgress,
        signal,
      });
      if (result.cancelled) this.catalogue.setStatus(datasetId, 'ready');
      else this.catalogue.markScanned(datasetId);
      this.options.onDatasetsChanged?.();
      if (!result.cancelled) this.options.onScanFinished?.(datasetId);
      return result;
    } catch (error) {
      // The dataset may have been removed while scanning; then there is nothing to mark.
      if (this.catalogue.dataset(datasetId)) {
        // A missing folder (unplugged drive) keeps its images: they come back with the drive.
        const missing = error instanceof RootUnavailableError && error.missing;
        this.catalogue.setStatus(datasetId, missing ? 'missing' : 'error', errorMessage(error));
        this.options.onDatasetsChanged?.();
      }
      this.options.onProgress?.({ datasetId, phase: 'failed', processed: 0, total: 0, added: 0, changed: 0, removed: 0, skipped: 0, message: errorMessage(error) });
      if (error instanceof RootUnavailableError) {
        throw new LibraryError(error.missing ? `${error.message} Its images stay in the library until you remove it.` : error.message);
      }
      throw error;
    }
  }
}

/** Checks that `folderPath` is an existing folder and returns its real absolute path. */
export async function resolveFolder(folderPath: string): Promise<string> {
  if (folderPath.includes('\0')) throw new LibraryError('The folder path contains a NUL character.');
  const absolute = path.resolve(folderPath);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LibraryError(`The folder '${absolute}' does not exist.`);
    if (code === 'EACCES' || code === 'EPERM') throw new LibraryError(`The folder '${absolute}' cannot be opened: permission denied.`);
    throw new LibraryError(`The folder '${absolute}' cannot be opened: ${errorMessage(error)}`);
  }
  if (!info.isDirectory()) throw new LibraryError(`'${absolute}' is a file, not a folder. Choose the folder that contains your images.`);
  try {
    // Refuse before adding a dataset that could never be listed.
    await access(absolute, constants.R_OK | constants.X_OK);
  } catch {
    throw new LibraryError(`The folder '${absolute}' cannot be opened: permission denied.`);
  }
  return realpath(absolute);
}
