// augmentPair end to end on the cpu backend: shapes and range, seeded determinism,
// crop geometry and flips on crafted images, grayscale, p = 0 identity, blur, bad input.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { augmentPair } from '../../worker/simclr/augment.ts';
import { resolveTrainConfig, type AugmentConfig } from '../../worker/simclr/config.ts';
import { createRng, restoreRng } from '../../worker/simclr/rng.ts';

before(async () => {
  await tf.setBackend('cpu');
});

/** No randomness at all: full-image crop, no flip, no colour, no blur. */
const IDENTITY: AugmentConfig = {
  cropScale: [1, 1],
  cropRatio: [1, 1],
  flipP: 0,
  jitterStrength: 1,
  jitterP: 0,
  grayscaleP: 0,
  blurP: 0,
  blurSigma: [0.1, 2],
};

function randomPixels(n: number, h: number, w: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tensor4d(Int32Array.from({ length: n * h * w * 3 }, () => rng.int(256)), [n, h, w, 3], 'int32');
}

/** A 16×16 image: left half red, right half blue. */
function halfRedHalfBlue(): tf.Tensor4D {
  const data: number[] = [];
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data.push(...(x < 8 ? [255, 0, 0] : [0, 0, 255]));
  return tf.tensor4d(data, [1, 16, 16, 3], 'int32');
}

function pair(images: tf.Tensor4D, config: AugmentConfig, size: number, seed: number) {
  const [a, b] = augmentPair(images, config, size, createRng(seed));
  const out = { a: a.arraySync() as number[][][][], b: b.arraySync() as number[][][][], shapeA: a.shape, shapeB: b.shape, dtype: a.dtype };
  tf.dispose([a, b]);
  return out;
}

test('returns two [N, S, S, 3] float32 views in [0, 1] with the default recipe (blur included)', () => {
  const images = randomPixels(3, 40, 48, 1);
  const config = { ...resolveTrainConfig({ imageSize: 32 }).augment, blurP: 0.5 };
  const [a, b] = augmentPair(images, config, 32, createRng(5));
  for (const view of [a, b]) {
    assert.deepEqual(view.shape, [3, 32, 32, 3]);
    assert.equal(view.dtype, 'float32');
    const values = view.dataSync();
    assert.ok(values.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)));
  }
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]) > 0.05, 'the two views must differ');
  tf.dispose([a, b, images]);
});

test('is deterministic under a seed and resumes from a saved rng state', () => {
  const images = randomPixels(2, 12, 12, 2);
  const config = { ...resolveTrainConfig({ imageSize: 32 }).augment, blurP: 0.5 };
  assert.deepEqual(pair(images, config, 24, 9), pair(images, config, 24, 9));
  assert.notDeepEqual(pair(images, config, 24, 9).a, pair(images, config, 24, 10).a);
  // Two batches from one stream equal the second batch from a restored state.
  const rng = createRng(3);
  tf.dispose(augmentPair(images, config, 24, rng));
  const saved = rng.state();
  const second = augmentPair(images, config, 24, rng);
  const resumed = augmentPair(images, config, 24, restoreRng(saved));
  assert.deepEqual(second[0].arraySync(), resumed[0].arraySync());
  tf.dispose([...second, ...resumed, images]);
});

test('p = 0 everywhere and a full-image crop reproduce the input (scaled to [0, 1])', () => {
  const images = randomPixels(2, 10, 10, 3);
  const { a, b } = pair(images, IDENTITY, 10, 1);
  const expected = tf.tidy(() => tf.div(tf.cast(images, 'float32'), 255).arraySync());
  for (const view of [a, b]) {
    view.flat(3).forEach((v, i) => assert.ok(Math.abs(v - (expected as number[][][][]).flat(3)[i]) < 1e-6));
  }
  images.dispose();
});

test('a flip with p = 1 swaps the red and blue halves', () => {
  const images = halfRedHalfBlue();
  const { a } = pair(images, { ...IDENTITY, flipP: 1 }, 16, 4);
  assert.deepEqual(a[0][5][0], [0, 0, 1], 'left edge is blue after the flip');
  assert.deepEqual(a[0][5][15], [1, 0, 0], 'right edge is red after the flip');
  const unflipped = pair(images, IDENTITY, 16, 4).a;
  assert.deepEqual(unflipped[0][5][0], [1, 0, 0]);
  images.dispose();
});

test('a quarter-area square crop samples an 8×8 window of consecutive source pixels', () => {
  // R = 10·x, G = 10·y: a crop resampled at its own resolution is again a ramp of step 10.
  const data: number[] = [];
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data.push(10 * x, 10 * y, 0);
  const images = tf.tensor4d(data, [1, 16, 16, 3], 'int32');
  for (const [flipP, sign] of [
    [0, 1],
    [1, -1],
  ] as const) {
    for (let seed = 0; seed < 3; seed++) {
      const view = pair(images, { ...IDENTITY, cropScale: [0.25, 0.25], flipP }, 8, seed).a[0];
      for (let j = 1; j < 8; j++) {
        assert.ok(Math.abs((view[3][j][0] - view[3][j - 1][0]) * 255 - sign * 10) < 1e-3, 'horizontal step');
        assert.ok(Math.abs((view[j][3][1] - view[j - 1][3][1]) * 255 - 10) < 1e-3, 'vertical step');
      }
      const xs = view[0].map((px) => px[0] * 25.5);
      assert.ok(Math.min(...xs) >= 0 && Math.max(...xs) <= 15, 'window inside the image');
    }
  }
  images.dispose();
});

test('grayscale with p = 1 gives three equal channels; jitter of strength 0 changes nothing', () => {
  const images = randomPixels(2, 8, 8, 6);
  const gray = pair(images, { ...IDENTITY, grayscaleP: 1 }, 8, 2).a;
  for (const px of gray.flat(2)) {
    assert.ok(Math.abs(px[0] - px[1]) < 1e-6 && Math.abs(px[1] - px[2]) < 1e-6);
  }
  const unjittered = pair(images, { ...IDENTITY, jitterP: 1, jitterStrength: 0 }, 8, 2).a;
  assert.ok(unjittered.flat(3).every((v, i) => Math.abs(v - pair(images, IDENTITY, 8, 2).a.flat(3)[i]) < 1e-5));
  const jittered = pair(images, { ...IDENTITY, jitterP: 1, jitterStrength: 1 }, 8, 2).a;
  assert.notDeepEqual(jittered, unjittered);
  images.dispose();
});

test('blur with p = 1 keeps a flat image flat and smooths a checkerboard', () => {
  const flat = tf.fill([1, 32, 32, 3], 100, 'int32') as tf.Tensor4D;
  const blurredFlat = pair(flat, { ...IDENTITY, blurP: 1 }, 32, 1).a;
  assert.ok(blurredFlat.flat(3).every((v) => Math.abs(v - 100 / 255) < 1e-5));
  const board: number[] = [];
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) board.push(...Array(3).fill((x + y) % 2 ? 255 : 0));
  const checker = tf.tensor4d(board, [1, 32, 32, 3], 'int32');
  const sharp = pair(checker, IDENTITY, 32, 1).a.flat(3);
  const soft = pair(checker, { ...IDENTITY, blurP: 1, blurSigma: [1.5, 2] }, 32, 1).a.flat(3);
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  assert.equal(spread(sharp), 1);
  assert.ok(spread(soft) < 0.2, `blurred checkerboard spread ${spread(soft)}`);
  tf.dispose([flat, checker]);
});

test('bad input is refused with a message naming the problem; no tensors leak', () => {
  const rng = createRng(0);
  const rgba = tf.zeros([1, 8, 8, 4]) as tf.Tensor4D;
  assert.throws(() => augmentPair(rgba, IDENTITY, 8, rng), /must be \[N, H, W, 3\] RGB pixels, got shape \[1,8,8,4\]/);
  const rgb = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
  assert.throws(() => augmentPair(rgb, IDENTITY, 0, rng), /output size must be a positive integer/);
  for (const [bad, message] of [
    [{ cropScale: [0, 1] }, /augment.cropScale must be \[low, high\] with 0 < low/],
    [{ cropScale: [0.5, 1.5] }, /augment.cropScale .* got \[0.5, 1.5\]/],
    [{ cropRatio: [-1, 2] }, /augment.cropRatio/],
    [{ blurSigma: [0, 1] }, /augment.blurSigma/],
    [{ flipP: 1.5 }, /augment.flipP must be a probability/],
    [{ jitterStrength: Number.NaN }, /augment.jitterStrength must be a number/],
  ] as const) {
    assert.throws(() => augmentPair(rgb, { ...IDENTITY, ...bad } as AugmentConfig, 8, rng), message);
  }
  const before = tf.memory().numTensors;
  const views = augmentPair(rgb, { ...IDENTITY, jitterP: 1, grayscaleP: 0.5, blurP: 1 }, 24, rng);
  tf.dispose(views);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([rgba, rgb]);
});
