// Batches of source pixels for one epoch, in the seeded order of shuffle.ts:
// uint8 [B, side, side, 3]. The last incomplete batch is dropped, because NT-Xent wants
// exactly B images (2B views) in every step. While the caller runs step k, batch k+1 is
// already being read (one-batch async prefetch), so file and cache I/O overlap compute.
// An image that fails now (its file was replaced by a broken one and its cache entry
// is gone) is reported, marked broken for the rest of the run, and the batch is filled
// from the next images of the order.
import type { ImageDataset, SkippedImage } from './dataset.ts';
import { reasonOf } from './dataset.ts';
import { epochOrder } from './shuffle.ts';

export interface PixelBatch {
  /** uint8 [B, side, side, 3], row-major. */
  readonly pixels: Uint8Array;
  readonly shape: readonly [number, number, number, number];
  /** Dataset indices of the B images, in batch order. */
  readonly indices: readonly number[];
}

export interface EpochBatchOptions {
  readonly batchSize: number;
  readonly seed: number;
  readonly epoch: number;
  /** Steps of this epoch already done (resume): their images are skipped. */
  readonly startStep?: number;
  /** Indices found broken earlier in the run; updated in place. */
  readonly broken?: Set<number>;
  readonly onSkipped?: (skipped: SkippedImage) => void;
}

/** Full batches per epoch for a dataset of n images. */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.floor(n / batchSize);
}

export async function* epochBatches(dataset: ImageDataset, options: EpochBatchOptions): AsyncGenerator<PixelBatch> {
  const { batchSize, seed, epoch, startStep = 0, onSkipped } = options;
  const broken = options.broken ?? new Set<number>();
  const order = Array.from(epochOrder(dataset.size, seed, epoch)).filter((i) => !broken.has(i));
  const steps = stepsPerEpoch(dataset.size, batchSize);
  const side = dataset.side;
  const imageBytes = side * side * 3;
  let cursor = startStep * batchSize;
  let step = startStep;

  const loadBatch = async (): Promise<PixelBatch | undefined> => {
    if (step >= steps) return undefined;
    const pixels = new Uint8Array(batchSize * imageBytes);
    const indices: number[] = [];
    while (indices.length < batchSize) {
      const wanted = batchSize - indices.length;
      const candidates = order.slice(cursor, cursor + wanted);
      if (candidates.length === 0) return undefined; // too many broken images to fill a batch
      cursor += candidates.length;
      const loaded = await Promise.all(candidates.map((i) => dataset.pixels(i).then((p) => ({ i, p }), (e: unknown) => ({ i, e }))));
      for (const result of loaded) {
        if ('p' in result) {
          pixels.set(result.p, indices.length * imageBytes);
          indices.push(result.i);
        } else {
          broken.add(result.i);
          const entry = { path: dataset.images[result.i]!.file.path, reason: reasonOf(result.e) };
          dataset.skipped.push(entry);
          onSkipped?.(entry);
        }
      }
    }
    step++;
    return { pixels, shape: [batchSize, side, side, 3], indices };
  };

  let pending = loadBatch();
  // If the consumer stops early the prefetched promise is never awaited; keep a
  // rejection there from becoming an unhandled one.
  pending.catch(() => {});
  while (true) {
    const batch = await pending;
    if (!batch) return;
    pending = loadBatch();
    pending.catch(() => {});
    yield batch;
  }
}
