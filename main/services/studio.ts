// Composes the services behind the API contract: one data directory, one SQLite
// catalogue, the library and the thumbnails. Electron, the web server, the CLI and the
// tests all create a Studio the same way and talk to it through `api` and `events`.
import { mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EventName, LibraryApi, StudioApi, StudioEvents } from '../api/contract.ts';
import { openDatabase, type Db } from '../db/open.ts';
import packageJson from '../../package.json' with { type: 'json' };
import type { BackendPreference } from '../../worker/backend.ts';
import { errorMessage } from '../error-message.ts';
import { createExperimentsPart, type ExperimentsPart, type WorkerLogLine } from './experiments/compose.ts';
import { createExplorer, type ExplorerParts } from './explorer/create-explorer.ts';
import { Catalogue } from './library/catalogue.ts';
import { createInProcessImageTasks, WorkerImageTasks, type ImageTasks } from './library/image-tasks.ts';
import { LibraryError, LibraryService, type LibraryOptions } from './library/library-service.ts';
import { ThumbnailService } from './thumbnails/thumbnail-service.ts';

export interface StudioOptions {
  /** Created if missing; must be writable. */
  dataDir: string;
  transport: 'electron' | 'web';
  /** The labelled sample folder shipped with the app (assets/sample-images). */
  sampleDir?: string;
  /**
   * Make every image's thumbnail in the background after a scan and at start (default
   * true). It is also the full decode check of the small JPEGs and PNGs a scan catalogued from
   * their header (LibraryOptions.deferDecode, on whenever this is).
   */
  thumbnailsAfterScan?: boolean;
  /** Scanner tuning (pixel limit, concurrency, progress interval; deferDecode defaults to thumbnailsAfterScan). */
  library?: Pick<LibraryOptions, 'maxPixels' | 'scanConcurrency' | 'progressIntervalMs' | 'deferDecode'>;
  /** Decode images in a worker thread (default true) so the event loop stays free. */
  imageWorker?: boolean;
  /** The training worker's backend (default 'auto': the best that runs here). */
  trainingBackend?: BackendPreference;
  /** runProgress events at most this often (default 250 ms). */
  progressIntervalMs?: number;
  /** Where the training worker's log lines go (backend choice, skipped images); default the console. */
  onWorkerLog?: (line: WorkerLogLine) => void;
}

export interface StudioEventBus {
  on<K extends EventName>(name: K, cb: (payload: StudioEvents[K]) => void): () => void;
}

export interface Studio {
  api: StudioApi;
  events: StudioEventBus;
  thumbnails: ThumbnailService;
  dataDir: string;
  close(): Promise<void>;
}

/** The data directory cannot be created or written. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

/** The catalogue's file name inside the data directory. */
export const DATABASE_FILE = 'studio.sqlite';

export async function createStudio(options: StudioOptions): Promise<Studio> {
  const dataDir = path.resolve(options.dataDir);
  await ensureWritableDir(dataDir);
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  const events = new EventHub();
  const catalogue = new Catalogue(db);
  const tasks = (options.imageWorker ?? true) ? new WorkerImageTasks() : createInProcessImageTasks();
  const thumbnailsAfterScan = options.thumbnailsAfterScan ?? true;
  let thumbnails: ThumbnailService | undefined;
  const library = new LibraryService(catalogue, tasks, {
    deferDecode: thumbnailsAfterScan,
    ...options.library,
    excludedFolders: [await realpath(dataDir)],
    onProgress: (progress) => events.emit('scanProgress', progress),
    onDatasetsChanged: () => events.emit('datasetsChanged', {}),
    onScanFinished: (datasetId) => {
      if (thumbnailsAfterScan) void thumbnails?.prefetchDataset(datasetId).catch(() => undefined);
    },
  });
  thumbnails = new ThumbnailService({ cacheDir: path.join(dataDir, 'thumbnails'), source: library, tasks });
  library.recoverInterruptedScans();
  // A bulk pass the last session did not finish (the app was closed) goes on: cached
  // thumbnails cost a stat each, and the rest still owe their full decode check.
  if (thumbnailsAfterScan) void thumbnails.prefetchDatasets(library.listDatasets().filter((d) => d.status === 'ready').map((d) => d.id));
  // The explorer needs the experiments' worker host, and deleting an experiment needs the
  // explorer (its embedding files): the late reference is set before the studio is returned.
  let explorerService: ExplorerParts['service'] | undefined;
  const experiments = createExperimentsPart({
    db,
    dataDir,
    datasets: library,
    backend: options.trainingBackend ?? 'auto',
    emit: (name, payload) => events.emit(name, payload as StudioEvents[typeof name]),
    ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
    ...(options.onWorkerLog ? { onWorkerLog: options.onWorkerLog } : {}),
    runFiles: { releaseRuns: (runIds) => explorerService?.releaseRuns(runIds) ?? (async () => {}) },
  });
  const explorer = await createExplorer({
    db,
    dataDir,
    host: experiments.host,
    onEmbeddingProgress: (progress) => events.emit('embeddingProgress', progress),
    onProjectionProgress: (progress) => events.emit('projectionProgress', progress),
  });
  explorerService = explorer.service;
  // A scan may have changed images: embeddings held in memory are re-read (stale rows left out).
  events.on('scanProgress', (progress) => progress.phase === 'done' && explorer.invalidate());
  events.on('datasetsChanged', () => explorer.invalidate());
  const api: StudioApi = {
    ...createApi(library, thumbnails, { dataDir, transport: options.transport, sampleDir: options.sampleDir }),
    ...experiments.api,
    ...explorer.api,
  };

  let closing: Promise<void> | undefined;
  return {
    api,
    events,
    thumbnails,
    dataDir,
    close() {
      closing ??= closeAll(library, thumbnails, tasks, experiments, explorer, db, events);
      return closing;
    },
  };
}

function createApi(library: LibraryService, thumbnails: ThumbnailService, info: { dataDir: string; transport: 'electron' | 'web'; sampleDir?: string }): LibraryApi {
  return {
    async getAppInfo() {
      return { version: packageJson.version, dataDir: info.dataDir, transport: info.transport, platform: process.platform };
    },
    async listDatasets() {
      return library.listDatasets();
    },
    async addDataset({ path: folder }) {
      return library.addFolder(folder);
    },
    async addSampleDataset() {
      if (!info.sampleDir) throw new LibraryError('The sample images are not part of this installation.');
      const found = await stat(info.sampleDir).catch(() => null);
      if (!found?.isDirectory()) throw new LibraryError(`The sample images folder '${info.sampleDir}' is missing from this installation.`);
      return library.addFolder(info.sampleDir);
    },
    async rescanDataset({ datasetId }) {
      return library.rescan(datasetId);
    },
    async cancelScan({ datasetId }) {
      thumbnails.cancelPrefetch(datasetId);
      await library.cancel(datasetId);
    },
    async removeDataset({ datasetId }) {
      thumbnails.cancelPrefetch(datasetId);
      await library.remove(datasetId);
    },
    async listImages({ datasetId, offset, limit }) {
      return library.listImages(datasetId, offset, limit);
    },
    async listSkipped({ datasetId }) {
      return library.listSkipped(datasetId);
    },
  };
}

async function closeAll(library: LibraryService, thumbnails: ThumbnailService, tasks: ImageTasks, experiments: ExperimentsPart, explorer: ExplorerParts, db: Db, events: EventHub): Promise<void> {
  await library.cancelAll();
  explorer.close();
  await experiments.close();
  await thumbnails.close();
  await tasks.close();
  events.clear();
  db.close();
}

/** Creates the data directory and proves it is writable by writing a probe file. */
async function ensureWritableDir(dataDir: string): Promise<void> {
  const probe = path.join(dataDir, `.write-test-${process.pid}-${Date.now()}`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : code === 'EROFS' ? 'the disk is read-only' : errorMessage(error);
    throw new DataDirError(`The data folder '${dataDir}' cannot be written (${why}). Choose another one with --data-dir or SIMCLR_STUDIO_DATA_DIR.`);
  }
}

/** Typed listeners per event name. One per Studio (no module-level state). */
class EventHub implements StudioEventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<K extends EventName>(name: K, cb: (payload: StudioEvents[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(cb as (payload: never) => void);
    return () => set.delete(cb as (payload: never) => void);
  }

  emit<K extends EventName>(name: K, payload: StudioEvents[K]): void {
    for (const cb of this.listeners.get(name) ?? []) {
      try {
        (cb as (payload: StudioEvents[K]) => void)(payload);
      } catch (error) {
        // A broken listener (a closed window) must not stop a scan or the other listeners.
        console.error(`SimCLR Studio: a '${name}' listener failed:`, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
