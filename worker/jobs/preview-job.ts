// The 'preview' job: a few dataset images' two SimCLR views, by exactly the code training
// uses (previewPairs → augmentPair), from the same pixel cache. Short and interactive:
// the worker runs it between the steps of a training run instead of after it.
import { prepareDataset } from '../data/dataset.ts';
import { PixelCache } from '../data/pixel-cache.ts';
import { sourceSideFor } from '../data/source-size.ts';
import { previewPairs } from '../simclr/augment-preview.ts';
import type { TrainConfig } from '../simclr/config.ts';
import type { JobContext } from './registry.ts';
import type { TrainImage } from './train-job.ts';

export interface PreviewJobRequest {
  readonly images: readonly TrainImage[];
  readonly config: TrainConfig;
  readonly seed: number;
  readonly cacheDir: string;
}

export interface PreviewJobItem {
  readonly relativePath: string;
  /** The source as training reads it: uint8 RGB [side, side, 3]. */
  readonly original: Uint8Array;
  readonly side: number;
  /** The two views: uint8 RGB [size, size, 3] each. */
  readonly first: Uint8Array;
  readonly second: Uint8Array;
  readonly size: number;
}

export interface PreviewJobResult {
  readonly items: PreviewJobItem[];
  /** Images that could not be read, with the reason. */
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

export async function previewJob(request: PreviewJobRequest, context: JobContext<'preview'>): Promise<PreviewJobResult> {
  const { config } = request;
  const side = sourceSideFor(config.imageSize);
  const files = request.images.map((image) => ({ path: image.path, relativePath: image.relativePath, label: '' }));
  const dataset = await prepareDataset(files, { side, cache: new PixelCache(request.cacheDir), signal: context.signal });
  const relative = new Map(request.images.map((image) => [image.path, image.relativePath]));
  const skipped = dataset.skipped.map((s) => ({ path: relative.get(s.path) ?? s.path, reason: s.reason }));
  if (dataset.size === 0) return { items: [], skipped };
  const bytes = side * side * 3;
  const pixels = new Uint8Array(dataset.size * bytes); // [n, side, side, 3]
  for (let i = 0; i < dataset.size; i++) pixels.set(await dataset.pixels(i), i * bytes);
  const pairs = previewPairs({ pixels, count: dataset.size, height: side, width: side }, config.augment, config.imageSize, request.seed);
  const items = pairs.map((pair, i) => ({
    relativePath: dataset.images[i]!.file.relativePath,
    original: pixels.slice(i * bytes, (i + 1) * bytes),
    side,
    first: pair.first,
    second: pair.second,
    size: pair.size,
  }));
  return { items, skipped };
}
