// Per-image Gaussian blur against a plain-JS separable convolution with reflect padding.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { blurImages, blurRadius, gaussianTaps } from '../../worker/simclr/augment-blur.ts';
import { createRng } from '../../worker/simclr/rng.ts';

before(async () => {
  await tf.setBackend('cpu');
});

/** Reflect index into [0, n) without repeating the edge (numpy 'reflect'). */
const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);

/** Reference: image [S][S][3], taps over −r…r, rows then columns. */
function referenceBlur(image: number[][][], taps: number[]): number[][][] {
  const s = image.length;
  const r = (taps.length - 1) / 2;
  const pass = (src: number[][][], horizontal: boolean) =>
    src.map((row, y) =>
      row.map((_, x) =>
        [0, 1, 2].map((c) =>
          taps.reduce((sum, t, k) => {
            const yy = horizontal ? y : reflect(y + k - r, s);
            const xx = horizontal ? reflect(x + k - r, s) : x;
            return sum + t * src[yy][xx][c];
          }, 0),
        ),
      ),
    );
  return pass(pass(image, true), false);
}

test('kernel size follows SimCLR (side // 10, odd) and the taps are a normalised Gaussian', () => {
  assert.equal(blurRadius(32), 1);
  assert.equal(blurRadius(224), 11);
  assert.equal(blurRadius(16), 0);
  const taps = gaussianTaps(1, 2);
  assert.ok(Math.abs(taps.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(Math.abs(taps[1] / taps[2] - Math.exp(-0.5)) < 1e-12);
  assert.deepEqual(gaussianTaps(null, 1), [0, 1, 0]);
});

test('each image is blurred with its own σ, matching the reference; null leaves it unchanged', () => {
  const rng = createRng(4);
  const side = 40; // radius 2
  const sigmas = [0.5, null, 2.0];
  const images = sigmas.map(() => Array.from({ length: side }, () => Array.from({ length: side }, () => [rng.next(), rng.next(), rng.next()])));
  const out = tf.tidy(() => blurImages(tf.tensor4d(images.flat(3), [3, side, side, 3]), sigmas).arraySync()) as number[][][][];
  sigmas.forEach((sigma, i) => {
    const expected = sigma === null ? images[i] : referenceBlur(images[i], gaussianTaps(sigma, blurRadius(side)));
    out[i].flat(2).forEach((v, j) => assert.ok(Math.abs(v - expected.flat(2)[j]) < 1e-5, `image ${i} value ${j}: ${v} vs ${expected.flat(2)[j]}`));
  });
});

test('images below 20 px and batches without blur come back unchanged', () => {
  const small = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const a = blurImages(small, [1, 2]);
  assert.deepEqual(a.arraySync(), small.arraySync());
  const large = tf.randomUniform([1, 30, 30, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const b = blurImages(large, [null]);
  assert.deepEqual(b.arraySync(), large.arraySync());
  assert.throws(() => blurImages(large, [1, 2]), /2 sigmas for 1 images/);
  tf.dispose([small, a, large, b]);
});
