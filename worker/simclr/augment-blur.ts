// Gaussian blur with a different σ per image (SimCLR App. A: p = 0.5, σ ∈ [0.1, 2.0],
// kernel 10% of the image side), batched: the batch is folded into the channels,
// [M, S, S, 3] → [1, S, S, 3M], so one depthwise convolution gives every (image, channel)
// its own kernel. Separable: a 1×k then a k×1 pass, after reflect padding (as the
// reference implementation pads).
import * as tf from '@tensorflow/tfjs';

/** Kernel radius for an image side: SimCLR uses kernel = side // 10, radius = kernel // 2. */
export function blurRadius(side: number): number {
  return Math.floor(Math.floor(side / 10) / 2);
}

/** Normalised 1-D Gaussian taps for offsets −radius … radius; sigma null gives the identity (a delta). */
export function gaussianTaps(sigma: number | null, radius: number): number[] {
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => {
    const x = i - radius;
    if (sigma === null) return x === 0 ? 1 : 0;
    return Math.exp(-(x * x) / (2 * sigma * sigma));
  });
  const total = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / total);
}

/**
 * Blurs image i with σ = sigmas[i] (null: unchanged). images: [M, S, S, 3]; returns the
 * same shape. Images under 20 px have radius 0 (kernel 1): returned unchanged, as SimCLR.
 */
export function blurImages(images: tf.Tensor4D, sigmas: readonly (number | null)[]): tf.Tensor4D {
  const [m, height, width, channels] = images.shape;
  if (sigmas.length !== m) throw new Error(`blurImages: ${sigmas.length} sigmas for ${m} images`);
  const radius = blurRadius(Math.min(height, width));
  if (radius === 0 || sigmas.every((s) => s === null)) return tf.clone(images);
  if (radius >= Math.min(height, width)) throw new Error(`blurImages: image ${height}×${width} too small for reflect padding`);
  return tf.tidy(() => {
    const k = 2 * radius + 1;
    // Per folded channel (image-major, then RGB) its image's taps: [k, 3M].
    const taps = sigmas.flatMap((sigma) => {
      const t = gaussianTaps(sigma, radius);
      return Array.from({ length: channels }, () => t);
    });
    const tapsByOffset = Array.from({ length: k }, (_, offset) => taps.map((t) => t[offset])); // [k][3M]
    const horizontal = tf.tensor4d(tapsByOffset.flat(), [1, k, m * channels, 1]); // [1, k, 3M, 1]
    const vertical = tf.tensor4d(tapsByOffset.flat(), [k, 1, m * channels, 1]); // [k, 1, 3M, 1]
    const folded = tf.reshape(tf.transpose(images, [1, 2, 0, 3]), [1, height, width, m * channels]) as tf.Tensor4D; // [1, S, S, 3M]
    const padded = tf.mirrorPad(folded, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'reflect'); // [1, S+2r, S+2r, 3M]
    const rows = tf.depthwiseConv2d(padded, horizontal, 1, 'valid'); // [1, S+2r, S, 3M]
    const blurred = tf.depthwiseConv2d(rows, vertical, 1, 'valid'); // [1, S, S, 3M]
    return tf.transpose(tf.reshape(blurred, [height, width, m, channels]), [2, 0, 1, 3]) as tf.Tensor4D; // [M, S, S, 3]
  });
}
