// SimCLR's data augmentation (paper §3, App. A): each image becomes two views, each by
// random resized crop + flip → colour jitter (random order, p = jitterP) → grayscale
// (p = grayscaleP) → Gaussian blur (p = blurP). All random choices are drawn first from
// the seeded Rng in JS (so views are identical on every backend and a resumed run
// continues the same stream); the pixel work is a handful of batched tensor ops on the
// compute backend over all 2N views at once.
//
// The app's augmentation preview uses the same function through previewPairs
// (augment-preview.ts), which takes and returns 8-bit RGB bytes.
import * as tf from '@tensorflow/tfjs';
import type { AugmentConfig } from './config.ts';
import type { Rng } from './rng.ts';
import { regionToBox, sampleCropRegion, type CropBox } from './augment-crop.ts';
import { applyColorOps, sampleColorOps, type ColorOp } from './augment-color.ts';
import { blurImages } from './augment-blur.ts';

/** Every random choice of one view. */
export interface ViewPlan {
  readonly box: CropBox;
  readonly color: readonly ColorOp[];
  /** σ of the Gaussian blur, or null when this view is not blurred. */
  readonly blurSigma: number | null;
}

/** Draws one view's choices, in a fixed order: crop, flip, colour, blur. */
export function sampleViewPlan(rng: Rng, sourceHeight: number, sourceWidth: number, outputSize: number, augment: AugmentConfig): ViewPlan {
  const region = sampleCropRegion(rng, sourceHeight, sourceWidth, augment.cropScale, augment.cropRatio);
  const flip = rng.bernoulli(augment.flipP);
  const color = sampleColorOps(rng, augment);
  const blur = rng.bernoulli(augment.blurP);
  const sigma = rng.uniform(augment.blurSigma[0], augment.blurSigma[1]);
  return { box: regionToBox(region, sourceHeight, sourceWidth, outputSize, flip), color, blurSigma: blur ? sigma : null };
}

/**
 * Renders planned views. images: [N, H0, W0, 3] source pixels in [0, 255] (int32 or
 * float32); plans[k] is a view of image sourceIndex[k]. Returns [K, S, S, 3] float32 in [0, 1].
 */
export function renderViews(
  images: tf.Tensor4D,
  plans: readonly ViewPlan[],
  sourceIndex: readonly number[],
  outputSize: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const pixels = images.dtype === 'float32' ? images : tf.cast(images, 'float32');
    const boxes = tf.tensor2d(plans.map((p) => p.box), [plans.length, 4]); // [K, 4]
    const boxIndex = tf.tensor1d([...sourceIndex], 'int32'); // [K]
    const cropped = tf.image.cropAndResize(pixels, boxes, boxIndex, [outputSize, outputSize], 'bilinear'); // [K, S, S, 3] in [0, 255]
    const unit = tf.clipByValue(tf.div(cropped, 255), 0, 1) as tf.Tensor4D; // [K, S, S, 3] in [0, 1]
    const colored = applyColorOps(unit, plans.map((p) => p.color));
    return blurImages(colored, plans.map((p) => p.blurSigma));
  });
}

/**
 * Checks the values the samplers rely on (the config schema only checks some of them), so
 * a bad setting fails here with its name instead of producing NaN boxes or kernels.
 */
export function validateAugmentConfig(augment: AugmentConfig): void {
  const range = (name: keyof AugmentConfig, [low, high]: readonly [number, number], min: number, max: number, minOpen: boolean) => {
    const ok = Number.isFinite(low) && Number.isFinite(high) && (minOpen ? low > min : low >= min) && low <= high && high <= max;
    if (!ok) throw new Error(`augment.${name} must be [low, high] with ${min} ${minOpen ? '<' : '≤'} low ≤ high ≤ ${max}, got [${low}, ${high}]`);
  };
  range('cropScale', augment.cropScale, 0, 1, true);
  range('cropRatio', augment.cropRatio, 0, Infinity, true);
  range('blurSigma', augment.blurSigma, 0, Infinity, true);
  for (const name of ['flipP', 'jitterP', 'grayscaleP', 'blurP'] as const) {
    const p = augment[name];
    if (!(p >= 0 && p <= 1)) throw new Error(`augment.${name} must be a probability in [0, 1], got ${p}`);
  }
  if (!(augment.jitterStrength >= 0) || !Number.isFinite(augment.jitterStrength)) {
    throw new Error(`augment.jitterStrength must be a number ≥ 0, got ${augment.jitterStrength}`);
  }
}

function validate(images: tf.Tensor4D, outputSize: number): void {
  if (images.rank !== 4 || images.shape[3] !== 3) {
    throw new Error(`augmentPair: images must be [N, H, W, 3] RGB pixels, got shape [${images.shape}]`);
  }
  if (images.shape[0] < 1 || images.shape[1] < 1 || images.shape[2] < 1) throw new Error(`augmentPair: empty image batch [${images.shape}]`);
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new Error(`augmentPair: images must be int32 or float32 pixels in [0, 255], got ${images.dtype}`);
  }
  if (!Number.isInteger(outputSize) || outputSize < 1) throw new Error(`augmentPair: output size must be a positive integer, got ${outputSize}`);
}

/**
 * The two augmented views of every image (paper §2.1: x̃_i, x̃_j from t, t' ~ T).
 * images: [N, H0, W0, 3] source pixels in [0, 255], int32 or float32 (tfjs has no uint8:
 * build it with tf.tensor4d(uint8Array, shape, 'int32')). Returns two [N, S, S, 3] float32
 * tensors in [0, 1], S = outputSize; view 1 of image i is row i of the first, view 2 row i
 * of the second. Advances rng deterministically: same rng state + same input = same views.
 */
export function augmentPair(images: tf.Tensor4D, config: AugmentConfig, outputSize: number, rng: Rng): [tf.Tensor4D, tf.Tensor4D] {
  validate(images, outputSize);
  validateAugmentConfig(config);
  const [n, height, width] = images.shape;
  const plans: ViewPlan[] = new Array(2 * n);
  for (let i = 0; i < n; i++) {
    plans[i] = sampleViewPlan(rng, height, width, outputSize, config);
    plans[n + i] = sampleViewPlan(rng, height, width, outputSize, config);
  }
  const sourceIndex = plans.map((_, k) => k % n);
  return tf.tidy(() => {
    const views = renderViews(images, plans, sourceIndex, outputSize); // [2N, S, S, 3]
    const [first, second] = tf.split(views, 2, 0) as [tf.Tensor4D, tf.Tensor4D]; // [N, S, S, 3] each
    return [first, second];
  });
}
