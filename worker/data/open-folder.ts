// A folder of images made ready for training, embedding or evaluation in one call:
// list → hash → decode (or find in the pixel cache). Used by the CLI and by the app's
// worker when it trains on a folder. Entries the listing refused (links out of the
// folder, duplicates, unreadable sub-folders) are reported as skipped with the rest.
import path from 'node:path';
import { type ImageDataset, prepareDataset, type SkippedImage } from './dataset.ts';
import { listFolderImages } from './list-images.ts';
import { PixelCache } from './pixel-cache.ts';
import { sourceSideFor } from './source-size.ts';

export interface OpenFolderOptions {
  /** The training/embedding image size S; the cached source side follows from it. */
  readonly imageSize: number;
  /** Folder of the pixel cache (e.g. <data dir>/cache/pixels). */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onSkipped?: (skipped: SkippedImage) => void;
}

/** Throws with a clear message when the folder is missing, not a folder, or holds no files. */
export async function openFolderDataset(folder: string, options: OpenFolderOptions): Promise<ImageDataset> {
  const root = path.resolve(folder);
  const { files, refused } = await listFolderImages(root);
  if (files.length === 0 && refused.length === 0) throw new Error(`no images in ${root} (the folder and its sub-folders hold no files)`);
  return prepareDataset(files, {
    listingSkipped: refused,
    side: sourceSideFor(options.imageSize),
    cache: new PixelCache(options.cacheDir),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
  });
}

/** The message for a folder without any decodable image, listing why the first files were skipped. */
export function noUsableImagesMessage(folder: string, dataset: ImageDataset): string {
  const shown = dataset.skipped.slice(0, 5).map((s) => `\n  ${s.path}: ${s.reason}`).join('');
  const more = dataset.skipped.length > 5 ? `\n  … and ${dataset.skipped.length - 5} more` : '';
  return `no usable images in ${path.resolve(folder)}: ${dataset.skipped.length} file(s) could not be read as images${shown}${more}`;
}
