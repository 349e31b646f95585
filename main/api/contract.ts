// The one contract between the renderer and main. Both transports — Electron IPC
// (main/electron/preload + ipc) and web mode (main/api/web-server) — are generated
// from `methodInputs` and `eventNames`, so they cannot drift. Later features add
// their methods here, and nowhere else.
//
// Conventions: every method takes one input object (validated with its zod schema
// where it enters main) and returns a Promise; events are pushed from main and the
// client exposes them as `onXxx(callback) => unsubscribe`. Errors cross as data
// ({ name, message }) and are rethrown on the client side.
import { z } from 'zod';

const datasetId = z.number().int().positive();

/** Input schema of every API method. The key set is the API. */
export const methodInputs = {
  getAppInfo: z.object({}),
  listDatasets: z.object({}),
  /** Adds a folder (or re-scans it if it is already in the library). */
  addDataset: z.object({ path: z.string().min(1, 'a folder path is required') }),
  /** Adds the labelled sample folder shipped with the app. */
  addSampleDataset: z.object({}),
  rescanDataset: z.object({ datasetId }),
  cancelScan: z.object({ datasetId }),
  /** Removes the folder from the catalogue; the images on disk are never touched. */
  removeDataset: z.object({ datasetId }),
  listImages: z.object({
    datasetId,
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(5000),
  }),
  listSkipped: z.object({ datasetId }),
} as const;

export type MethodName = keyof typeof methodInputs;
export type MethodInput<M extends MethodName> = z.input<(typeof methodInputs)[M]>;

export type DatasetStatus = 'scanning' | 'ready' | 'missing' | 'error';

export interface AppInfo {
  version: string;
  dataDir: string;
  transport: 'electron' | 'web';
  platform: string;
}

export interface DatasetSummary {
  id: number;
  /** Absolute path of the folder's root. */
  path: string;
  /** The folder's name, for display. */
  name: string;
  status: DatasetStatus;
  imageCount: number;
  skippedCount: number;
  /** ISO timestamps. */
  addedAt: string;
  lastScanAt: string | null;
  /** Why the dataset is 'missing' or 'error'. */
  error: string | null;
}

export interface ImageSummary {
  id: number;
  /** Path relative to the dataset root, with '/' separators. */
  relPath: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
}

export interface ImagePage {
  total: number;
  offset: number;
  images: ImageSummary[];
}

export interface SkippedFile {
  /** Path relative to the dataset root, with '/' separators. */
  path: string;
  reason: string;
}

export interface ScanResult {
  datasetId: number;
  images: number;
  added: number;
  changed: number;
  removed: number;
  skipped: SkippedFile[];
  cancelled: boolean;
}

export interface ScanProgress {
  datasetId: number;
  phase: 'listing' | 'reading' | 'done' | 'cancelled' | 'failed';
  /** Files looked at so far and the total found by listing (0 while listing). */
  processed: number;
  total: number;
  added: number;
  changed: number;
  removed: number;
  skipped: number;
  message: string | null;
}

/** What each method resolves to. */
export interface StudioApi {
  getAppInfo(input: MethodInput<'getAppInfo'>): Promise<AppInfo>;
  listDatasets(input: MethodInput<'listDatasets'>): Promise<DatasetSummary[]>;
  addDataset(input: MethodInput<'addDataset'>): Promise<ScanResult>;
  addSampleDataset(input: MethodInput<'addSampleDataset'>): Promise<ScanResult>;
  rescanDataset(input: MethodInput<'rescanDataset'>): Promise<ScanResult>;
  cancelScan(input: MethodInput<'cancelScan'>): Promise<void>;
  removeDataset(input: MethodInput<'removeDataset'>): Promise<void>;
  listImages(input: MethodInput<'listImages'>): Promise<ImagePage>;
  listSkipped(input: MethodInput<'listSkipped'>): Promise<SkippedFile[]>;
}

/** Events pushed from main to every connected renderer: name → payload. */
export interface StudioEvents {
  scanProgress: ScanProgress;
  datasetsChanged: Record<string, never>;
}

export const eventNames = ['scanProgress', 'datasetsChanged'] as const satisfies readonly (keyof StudioEvents)[];
export type EventName = (typeof eventNames)[number];

/** Errors cross transports as data and are rethrown by the client. */
export interface SerializedError {
  name: string;
  message: string;
}

// Compile-time guarantee that the schemas and the interface name the same methods.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _methodsMatch: Exact<MethodName, keyof StudioApi> = true;
const _eventsMatch: Exact<EventName, keyof StudioEvents> = true;
void _methodsMatch;
void _eventsMatch;
