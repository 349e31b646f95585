// The augmentation preview: a few of the dataset's images and their two SimCLR views,
// made in the worker by the training code itself (preview job, run between training
// steps), encoded here as PNG data URLs for the renderer.
import sharp from 'sharp';
import type { AugmentationPreview } from '../../api/contract-experiments.ts';
import { epochOrder } from '../../../worker/data/shuffle.ts';
import type { PreviewJobItem } from '../../../worker/jobs/preview-job.ts';
import type { TrainConfig } from '../../../worker/simclr/config.ts';
import { workerImage } from '../library/image-location.ts';
import type { WorkerHost } from '../worker-host/worker-host.ts';
import { datasetImages, RunRefusedError, type TrainingDatasets } from './run-images.ts';

export interface PreviewRequest {
  readonly datasetId: number;
  readonly count: number;
  readonly seed: number;
  readonly config: TrainConfig;
}

export async function augmentationPreview(host: WorkerHost, datasets: TrainingDatasets, cacheDir: string, request: PreviewRequest): Promise<AugmentationPreview> {
  const folder = datasets.datasetRoot(request.datasetId);
  const records = datasetImages(datasets, request.datasetId);
  if (records.length === 0) throw new RunRefusedError(`'${folder}' has no usable images to preview.`);
  const chosen = sample(records.length, request.count, request.seed).map((i) => records[i]!);
  const result = await host.run(
    'preview',
    { images: chosen.map((r) => workerImage(folder, r.relPath)), config: request.config, seed: request.seed, cacheDir },
    { interactive: true },
  );
  if (result.items.length === 0) {
    const why = result.skipped.map((s) => `${s.path}: ${s.reason}`).join('; ');
    throw new RunRefusedError(`None of the chosen images of '${folder}' could be read (${why}); re-scan the folder.`);
  }
  const pairs = await Promise.all(result.items.map(encodeItem));
  return { datasetId: request.datasetId, seed: request.seed, imageSize: request.config.imageSize, pairs };
}

async function encodeItem(item: PreviewJobItem): Promise<AugmentationPreview['pairs'][number]> {
  const [original, first, second] = await Promise.all([png(item.original, item.side), png(item.first, item.size), png(item.second, item.size)]);
  return { source: item.relativePath, original, views: [first, second] };
}

async function png(rgb: Uint8Array, side: number): Promise<string> {
  const bytes = await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
  return `data:image/png;base64,${bytes.toString('base64')}`;
}

/** `count` distinct indices of 0..n-1 by the engine's seeded shuffle (same seed, same images). */
export function sample(n: number, count: number, seed: number): number[] {
  return Array.from(epochOrder(n, seed, 0).subarray(0, Math.min(count, n))).sort((a, b) => a - b);
}
