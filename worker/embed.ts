// The representations h = f(x) of a prepared dataset, for the explorer, the .npy export
// and evaluation. The encoder runs in inference mode (batch norm uses its moving
// statistics). Each image is the CENTRE crop of side S of its square source (the source
// is S itself for S ≤ 64, round(S·8/7) above: the usual resize-then-centre-crop of
// evaluation pipelines, see data/source-size.ts), scaled to [0, 1].
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset, SkippedImage } from './data/dataset.ts';
import { reasonOf } from './data/dataset.ts';

export interface Embeddings {
  /** [rows, cols] row-major: row r is the h of dataset image indices[r]. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly indices: readonly number[];
}

export interface EmbedOptions {
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onSkipped?: (skipped: SkippedImage) => void;
}

export async function embedDataset(
  tfjs: typeof tf,
  encoder: tf.LayersModel,
  dataset: ImageDataset,
  imageSize: number,
  options: EmbedOptions = {},
): Promise<Embeddings> {
  const { batchSize = 64 } = options;
  const side = dataset.side;
  if (imageSize > side) throw new Error(`cannot embed at ${imageSize} px from ${side} px sources`);
  const offset = Math.floor((side - imageSize) / 2);
  const imageBytes = side * side * 3;
  const chunks: Float32Array[] = [];
  const indices: number[] = [];
  let cols = 0;
  for (let start = 0; start < dataset.size; start += batchSize) {
    options.signal?.throwIfAborted();
    const wanted = Array.from({ length: Math.min(batchSize, dataset.size - start) }, (_, i) => start + i);
    const loaded = await Promise.all(wanted.map((i) => dataset.pixels(i).then((p) => ({ i, p }), (e: unknown) => ({ i, e }))));
    const good = loaded.filter((r): r is { i: number; p: Uint8Array } => 'p' in r);
    for (const r of loaded) {
      if ('e' in r) options.onSkipped?.({ path: dataset.images[r.i]!.file.path, reason: reasonOf(r.e) });
    }
    if (good.length > 0) {
      const pixels = new Uint8Array(good.length * imageBytes);
      good.forEach((r, j) => pixels.set(r.p, j * imageBytes));
      const h = tfjs.tidy(() => {
        const x = tfjs.tensor4d(pixels, [good.length, side, side, 3], 'int32'); // [B, side, side, 3]
        const crop = tfjs.slice(x, [0, offset, offset, 0], [good.length, imageSize, imageSize, 3]); // [B, S, S, 3]
        return encoder.predict(tfjs.div(tfjs.cast(crop, 'float32'), 255)) as tf.Tensor2D; // [B, D]
      });
      cols = h.shape[1];
      chunks.push((await h.data()) as Float32Array);
      h.dispose();
      indices.push(...good.map((r) => r.i));
    }
    options.onProgress?.(Math.min(start + batchSize, dataset.size), dataset.size);
  }
  const data = new Float32Array(indices.length * cols);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return { data, rows: indices.length, cols, indices };
}
