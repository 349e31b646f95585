// The library's part of the API contract (issue 2): folders of images, their scan, the
// catalogue and the skipped files. Composed into the one contract in contract.ts.
import { z } from 'zod';

const datasetId = z.number().int().positive();

/** Input schemas of the library's methods. */
export const libraryMethodInputs = {
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
  /** A page of the usable images, in natural file-name order (img2 before img10, case-insensitive). */
  listImages: z.object({
    datasetId,
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(5000),
  }),
  listSkipped: z.object({ datasetId }),
} as const;

type Input<M extends keyof typeof libraryMethodInputs> = z.input<(typeof libraryMethodInputs)[M]>;

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

/** What each library method resolves to. */
export interface LibraryApi {
  getAppInfo(input: Input<'getAppInfo'>): Promise<AppInfo>;
  listDatasets(input: Input<'listDatasets'>): Promise<DatasetSummary[]>;
  addDataset(input: Input<'addDataset'>): Promise<ScanResult>;
  addSampleDataset(input: Input<'addSampleDataset'>): Promise<ScanResult>;
  rescanDataset(input: Input<'rescanDataset'>): Promise<ScanResult>;
  cancelScan(input: Input<'cancelScan'>): Promise<void>;
  removeDataset(input: Input<'removeDataset'>): Promise<void>;
  listImages(input: Input<'listImages'>): Promise<ImagePage>;
  listSkipped(input: Input<'listSkipped'>): Promise<SkippedFile[]>;
}

/** Events of the library: name → payload. */
export interface LibraryEvents {
  scanProgress: ScanProgress;
  datasetsChanged: Record<string, never>;
}

export const libraryEventNames = ['scanProgress', 'datasetsChanged'] as const satisfies readonly (keyof LibraryEvents)[];
