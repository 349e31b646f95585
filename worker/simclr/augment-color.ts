// Colour distortion (SimCLR App. A): colour jitter — brightness, contrast, saturation,
// hue, in a random order per image, applied with probability jitterP — then random
// grayscale. Each of these is an affine map of an image's RGB values, so one "round"
// of the batch is a single batched 3×3 matrix multiply plus a per-image offset, with
// each image carrying its own matrix (identity when its op is skipped). Values are
// clipped to [0, 1] after every round, as torchvision does after every op.
import * as tf from '@tensorflow/tfjs';
import type { AugmentConfig } from './config.ts';
import type { Rng } from './rng.ts';

/** ITU-R 601 luma weights, as torchvision's rgb_to_grayscale. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * out = matrix · rgb + offset · mean(luma of the image); matrix is row-major 3×3.
 * The offset term is what contrast needs (blend towards the image's mean grey).
 */
export interface ColorOp {
  readonly kind: 'identity' | 'brightness' | 'contrast' | 'saturation' | 'hue' | 'grayscale';
  readonly matrix: readonly number[];
  readonly offset: number;
}

export const IDENTITY_OP: ColorOp = { kind: 'identity', matrix: [1, 0, 0, 0, 1, 0, 0, 0, 1], offset: 0 };

function scaledIdentity(f: number): number[] {
  return [f, 0, 0, 0, f, 0, 0, 0, f];
}

/** Multiplies every channel by f (torchvision adjust_brightness and SimCLR v2's code; v1's code added a delta instead). */
export function brightnessOp(f: number): ColorOp {
  return { kind: 'brightness', matrix: scaledIdentity(f), offset: 0 };
}

/** Blends with the image's mean grey: f·x + (1 − f)·mean (adjust_contrast). */
export function contrastOp(f: number): ColorOp {
  return { kind: 'contrast', matrix: scaledIdentity(f), offset: 1 - f };
}

/** Blends with the pixel's own grey: f·x + (1 − f)·luma(x) (adjust_saturation). */
export function saturationOp(f: number): ColorOp {
  const matrix: number[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) matrix.push((row === col ? f : 0) + (1 - f) * LUMA[col]);
  return { kind: 'saturation', matrix, offset: 0 };
}

/**
 * Shifts hue by `turns` of the colour wheel: a rotation of RGB space about the grey axis
 * (1,1,1)/√3 by 2π·turns (Rodrigues' formula). It keeps greys fixed and maps the
 * primaries exactly as HSV hue would (red +⅓ turn → green), approximating HSV between
 * them — a linear op, so it batches on any backend, unlike an RGB↔HSV round trip.
 */
export function hueOp(turns: number): ColorOp {
  const theta = 2 * Math.PI * turns;
  const c = Math.cos(theta);
  const s = Math.sin(theta) / Math.sqrt(3);
  const k = (1 - c) / 3;
  return {
    kind: 'hue',
    matrix: [c + k, k - s, k + s, k + s, c + k, k - s, k - s, k + s, c + k],
    offset: 0,
  };
}

/** Every channel becomes the luma (grayscale kept as 3 channels). */
export const GRAYSCALE_OP: ColorOp = { kind: 'grayscale', matrix: [...LUMA, ...LUMA, ...LUMA], offset: 0 };

/** Rounds of colour ops per view: the 4 jitter ops in this image's order, then grayscale. */
export const COLOR_ROUNDS = 5;

/**
 * Draws one view's colour ops: COLOR_ROUNDS ops (identity where skipped). Strength s gives
 * brightness, contrast and saturation factors in [max(0, 1 − 0.8s), 1 + 0.8s] and a hue
 * shift in [−0.2s, 0.2s] turns (paper App. A, Listing 1). Always draws the same number of
 * values, so the probabilities do not shift the rest of the random stream.
 */
export function sampleColorOps(rng: Rng, augment: AugmentConfig): ColorOp[] {
  const s = augment.jitterStrength;
  const factor = (strength: number) => rng.uniform(Math.max(0, 1 - strength), 1 + strength);
  const jitter = rng.bernoulli(augment.jitterP);
  const candidates = [brightnessOp(factor(0.8 * s)), contrastOp(factor(0.8 * s)), saturationOp(factor(0.8 * s)), hueOp(rng.uniform(-0.2 * s, 0.2 * s))];
  // Fisher–Yates shuffle: the random order of the four jitter ops.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const gray = rng.bernoulli(augment.grayscaleP);
  return [...(jitter ? candidates : candidates.map(() => IDENTITY_OP)), gray ? GRAYSCALE_OP : IDENTITY_OP];
}

function isIdentity(op: ColorOp): boolean {
  return op.offset === 0 && op.matrix.every((v, i) => v === IDENTITY_OP.matrix[i]);
}

/**
 * Applies each image's colour ops. images: [M, S, S, 3] float32 in [0, 1];
 * opsPerImage: M lists of COLOR_ROUNDS ops. Returns [M, S, S, 3] in [0, 1].
 * Rounds in which every image is the identity are skipped.
 */
export function applyColorOps(images: tf.Tensor4D, opsPerImage: readonly (readonly ColorOp[])[]): tf.Tensor4D {
  const [m, height, width] = images.shape;
  if (opsPerImage.length !== m) throw new Error(`applyColorOps: ${opsPerImage.length} op lists for ${m} images`);
  return tf.tidy(() => {
    let x = tf.reshape(images, [m, height * width, 3]) as tf.Tensor3D; // [M, P, 3]
    const luma = tf.tensor2d([...LUMA], [3, 1]); // [3, 1]
    for (let round = 0; round < COLOR_ROUNDS; round++) {
      const ops = opsPerImage.map((list) => list[round]);
      if (ops.every(isIdentity)) continue;
      const matrices = tf.tensor3d(ops.flatMap((op) => op.matrix), [m, 3, 3]); // [M, 3, 3]
      let y = tf.matMul(x, matrices, false, true); // [M, P, 3]: row p = M · rgb_p
      if (ops.some((op) => op.offset !== 0)) {
        const offsets = tf.tensor3d(ops.map((op) => op.offset), [m, 1, 1]); // [M, 1, 1]
        const meanGray = tf.mean(tf.matMul(x, tf.tile(tf.expandDims(luma, 0), [m, 1, 1])), 1, true); // [M, 1, 1]
        y = tf.add(y, tf.mul(offsets, meanGray));
      }
      x = tf.clipByValue(y, 0, 1) as tf.Tensor3D;
    }
    return tf.reshape(x, [m, height, width, 3]) as tf.Tensor4D;
  });
}
