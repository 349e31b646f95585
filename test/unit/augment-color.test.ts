// The colour ops as affine maps: hue rotation, saturation, contrast, brightness and
// grayscale on single pixels against hand-computed values; the random op order.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  applyColorOps,
  brightnessOp,
  COLOR_ROUNDS,
  contrastOp,
  GRAYSCALE_OP,
  hueOp,
  IDENTITY_OP,
  LUMA,
  sampleColorOps,
  saturationOp,
  type ColorOp,
} from '../../worker/simclr/augment-color.ts';
import { createRng } from '../../worker/simclr/rng.ts';
import type { AugmentConfig } from '../../worker/simclr/config.ts';

before(async () => {
  await tf.setBackend('cpu');
});

/** Applies one op (first round; the rest identity) to a 1×P image given as pixels. */
function apply(op: ColorOp, pixels: number[][]): number[][] {
  return tf.tidy(() => {
    const image = tf.tensor4d(pixels.flat(), [1, 1, pixels.length, 3]);
    const ops = [op, ...Array(COLOR_ROUNDS - 1).fill(IDENTITY_OP)];
    return (applyColorOps(image, [ops]).arraySync() as number[][][][])[0][0];
  });
}

function assertPixels(actual: number[][], expected: number[][]) {
  actual.flat().forEach((v, i) => assert.ok(Math.abs(v - expected.flat()[i]) < 1e-5, `${actual} vs ${expected}`));
}

test('hue: a third of a turn maps red → green → blue, greys stay, zero is the identity', () => {
  assertPixels(apply(hueOp(1 / 3), [[1, 0, 0], [0, 1, 0], [0.4, 0.4, 0.4]]), [[0, 1, 0], [0, 0, 1], [0.4, 0.4, 0.4]]);
  assertPixels(apply(hueOp(0), [[0.2, 0.5, 0.9]]), [[0.2, 0.5, 0.9]]);
});

test('saturation 0 gives the luma grey; 2 pushes away from it (clipped to [0, 1])', () => {
  const px = [0.2, 0.5, 0.9];
  const luma = px.reduce((s, v, i) => s + v * LUMA[i], 0);
  assertPixels(apply(saturationOp(0), [px]), [[luma, luma, luma]]);
  assertPixels(apply(saturationOp(2), [px]), [px.map((v) => Math.min(1, Math.max(0, 2 * v - luma)))]);
});

test('contrast blends towards the mean grey of the whole image; brightness scales', () => {
  const pixels = [
    [0, 0, 0],
    [1, 1, 1],
  ];
  // Mean luma 0.5: contrast 0.5 gives 0.5·x + 0.25.
  assertPixels(apply(contrastOp(0.5), pixels), [
    [0.25, 0.25, 0.25],
    [0.75, 0.75, 0.75],
  ]);
  assertPixels(apply(brightnessOp(1.5), [[0.2, 0.4, 0.8]]), [[0.3, 0.6, 1]]);
  const gray = apply(GRAYSCALE_OP, [[1, 0, 0]]);
  assertPixels(gray, [[LUMA[0], LUMA[0], LUMA[0]]]);
});

test('each image gets its own ops in one batched call', () => {
  const images = tf.tensor4d([1, 0, 0, 1, 0, 0], [2, 1, 1, 3]);
  const out = tf.tidy(() =>
    applyColorOps(images, [
      [hueOp(1 / 3), IDENTITY_OP, IDENTITY_OP, IDENTITY_OP, IDENTITY_OP],
      [IDENTITY_OP, IDENTITY_OP, IDENTITY_OP, IDENTITY_OP, GRAYSCALE_OP],
    ]).arraySync(),
  ) as number[][][][];
  assertPixels([out[0][0][0], out[1][0][0]], [[0, 1, 0], [LUMA[0], LUMA[0], LUMA[0]]]);
  images.dispose();
});

test('sampled jitter uses each of the four ops once, in a random order, and respects p', () => {
  const config: AugmentConfig = {
    cropScale: [1, 1],
    cropRatio: [1, 1],
    flipP: 0,
    jitterStrength: 1,
    jitterP: 1,
    grayscaleP: 0,
    blurP: 0,
    blurSigma: [0.1, 2],
  };
  const rng = createRng(1);
  const orders = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const ops = sampleColorOps(rng, config);
    assert.equal(ops.length, COLOR_ROUNDS);
    const kinds = ops.slice(0, 4).map((op) => op.kind);
    assert.deepEqual([...kinds].sort(), ['brightness', 'contrast', 'hue', 'saturation']);
    orders.add(kinds.join());
    assert.equal(ops[4], IDENTITY_OP, 'grayscale p = 0');
  }
  assert.ok(orders.size > 5, `only ${orders.size} distinct orders in 50 draws`);
  const none = sampleColorOps(createRng(2), { ...config, jitterP: 0, grayscaleP: 1 });
  assert.deepEqual(none.slice(0, 4), [IDENTITY_OP, IDENTITY_OP, IDENTITY_OP, IDENTITY_OP]);
  assert.equal(none[4], GRAYSCALE_OP);
});
