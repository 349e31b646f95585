// The images a run trains on (the dataset's usable images as the library scanned them),
// and the refusals that must happen BEFORE a run is queued: a dataset removed, being
// scanned, whose folder is gone, or with too few images for one batch.
import fs from 'node:fs/promises';
import type { ImageRecord } from '../library/catalogue.ts';
import { workerImage } from '../library/image-location.ts';
import type { TrainImage } from '../../../worker/jobs/train-job.ts';
import type { TrainConfig } from '../../../worker/simclr/config.ts';

/** What training needs of the library. */
export interface TrainingDatasets {
  datasetRoot(datasetId: number): string;
  imagesAfter(datasetId: number, afterId: number, limit: number): ImageRecord[];
  isScanning(datasetId: number): boolean;
}

/** A run that cannot start; the message says why and what to do. */
export class RunRefusedError extends Error {
  override name = 'RunRefusedError';
}

const PAGE = 5000;

/** Every usable image of the dataset, in the catalogue's order. */
export function datasetImages(datasets: TrainingDatasets, datasetId: number): ImageRecord[] {
  const all: ImageRecord[] = [];
  for (let after = 0; ; ) {
    const page = datasets.imagesAfter(datasetId, after, PAGE);
    all.push(...page);
    if (page.length < PAGE) return all;
    after = page.at(-1)!.id;
  }
}

export interface RunInput {
  readonly folder: string;
  readonly images: TrainImage[];
}

/** Checks the dataset can train with `config` and lists its images, or throws RunRefusedError. */
export async function runInput(datasets: TrainingDatasets, datasetId: number | null, datasetName: string, config: TrainConfig): Promise<RunInput> {
  if (datasetId === null) throw new RunRefusedError(`The folder '${datasetName}' was removed from the library; add it again to train on it.`);
  const folder = datasets.datasetRoot(datasetId);
  if (datasets.isScanning(datasetId)) throw new RunRefusedError(`'${folder}' is still being scanned; start the run when the scan has finished.`);
  const found = await fs.stat(folder).catch(() => null);
  if (!found?.isDirectory()) throw new RunRefusedError(`The folder '${folder}' is missing (moved, renamed or on a disconnected drive); reconnect it or re-add it, then start again.`);
  const records = datasetImages(datasets, datasetId);
  if (records.length < 2) {
    throw new RunRefusedError(`Training needs at least 2 usable images (each image must be told apart from others); '${folder}' has ${records.length}.`);
  }
  if (records.length < config.batchSize) {
    throw new RunRefusedError(
      `The batch size ${config.batchSize} is larger than the ${records.length} images of '${folder}'; create an experiment with a batch size of ${records.length} or fewer.`,
    );
  }
  return { folder, images: records.map((r) => workerImage(folder, r.relPath)) };
}
