// The app's augmentation preview: a few images' two SimCLR views as 8-bit RGB, ready
// to be drawn or encoded, produced by exactly the code training uses (augmentPair).
import * as tf from '@tensorflow/tfjs';
import type { AugmentConfig } from './config.ts';
import { augmentPair } from './augment.ts';
import { createRng } from './rng.ts';

/** Decoded source pixels of `count` images of equal size, RGB, row-major: count·height·width·3 bytes. */
export interface SourcePixels {
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

/** The two views of one image, each size·size·3 RGB bytes. */
export interface PreviewPair {
  readonly first: Uint8Array;
  readonly second: Uint8Array;
  readonly size: number;
}

/**
 * Two augmented views of each source image (paper §3), seeded so the same seed shows the
 * same views. outputSize is the training image size S.
 */
export function previewPairs(source: SourcePixels, augment: AugmentConfig, outputSize: number, seed: number): PreviewPair[] {
  const { pixels, count, height, width } = source;
  if (pixels.length !== count * height * width * 3) {
    throw new Error(`previewPairs: expected ${count}×${height}×${width}×3 = ${count * height * width * 3} bytes, got ${pixels.length}`);
  }
  const images = tf.tensor4d(Int32Array.from(pixels), [count, height, width, 3], 'int32'); // [n, H0, W0, 3]
  try {
    const [first, second] = tf.tidy(() =>
      augmentPair(images, augment, outputSize, createRng(seed)).map(
        (view) => tf.cast(tf.round(tf.mul(view, 255)), 'int32'), // [n, S, S, 3] in 0..255
      ),
    ) as [tf.Tensor, tf.Tensor];
    try {
      const a = first.dataSync();
      const b = second.dataSync();
      const bytes = outputSize * outputSize * 3;
      return Array.from({ length: count }, (_, i) => ({
        first: Uint8Array.from(a.subarray(i * bytes, (i + 1) * bytes)),
        second: Uint8Array.from(b.subarray(i * bytes, (i + 1) * bytes)),
        size: outputSize,
      }));
    } finally {
      tf.dispose([first, second]);
    }
  } finally {
    images.dispose();
  }
}
