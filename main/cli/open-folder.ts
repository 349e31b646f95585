// A folder of images opened for a CLI command (train, embed, eval, neighbours): the one
// place that shows its preparation on the progress line, logs each skipped file and turns
// a missing, empty or unusable folder into a CliError that names it.
import { defaultDataDir, pixelCacheDir } from '../data-dir.ts';
import type { ImageDataset, SkippedImage } from '../../worker/data/dataset.ts';
import { noUsableImagesMessage, openFolderDataset } from '../../worker/data/open-folder.ts';
import { errorMessage } from '../error-message.ts';
import { CliError } from './common.ts';
import type { ProgressLine } from './progress-line.ts';

export interface CliFolderOptions {
  /** The image size S of the run (the cached source side follows from it). */
  readonly imageSize: number;
  readonly progress: ProgressLine;
  /** The flag the folder came from (eval's 'train' / 'test'): named in the progress text and in errors. */
  readonly role?: string;
  /** Called for each skipped file after it is logged (e.g. to report it in --json). */
  readonly onSkipped?: (skipped: SkippedImage) => void;
}

/** The folder's usable images (at least one); throws CliError otherwise. */
export async function openFolderForCli(folder: string, options: CliFolderOptions): Promise<ImageDataset> {
  const { progress, role, onSkipped } = options;
  const prefix = role ? `--${role}: ` : '';
  const dataset = await openFolderDataset(folder, {
    imageSize: options.imageSize,
    cacheDir: pixelCacheDir(defaultDataDir()),
    onProgress: (done, total) => progress.update(`preparing ${role ? `${role} ` : ''}images ${done}/${total}`, done / total),
    onSkipped: (skipped) => {
      progress.log(`skipped ${skipped.path}: ${skipped.reason}`);
      onSkipped?.(skipped);
    },
  }).catch((error: unknown) => {
    throw new CliError(`${prefix}${errorMessage(error)}`);
  });
  progress.done();
  if (dataset.size === 0) throw new CliError(`${prefix}${noUsableImagesMessage(folder, dataset)}`);
  return dataset;
}
