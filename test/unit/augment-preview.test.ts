// The augmentation preview: bytes in, two views of bytes out, seeded, no leak.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { previewPairs } from '../../worker/simclr/augment-preview.ts';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const augment = resolveTrainConfig({ imageSize: 16 }).augment;

test('returns two S×S RGB byte views per image, the same for the same seed', () => {
  const pixels = Uint8Array.from({ length: 2 * 20 * 24 * 3 }, (_, i) => (i * 37) % 256);
  const source = { pixels, count: 2, height: 20, width: 24 };
  const before = tf.memory().numTensors;
  const pairs = previewPairs(source, augment, 16, 1);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(pairs.length, 2);
  for (const pair of pairs) {
    assert.equal(pair.size, 16);
    assert.equal(pair.first.length, 16 * 16 * 3);
    assert.equal(pair.second.length, 16 * 16 * 3);
    assert.notDeepEqual(pair.first, pair.second);
  }
  assert.deepEqual(previewPairs(source, augment, 16, 1), pairs);
  assert.notDeepEqual(previewPairs(source, augment, 16, 2), pairs);
});

test('with every option off the preview shows the source pixels unchanged', () => {
  const pixels = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 11) % 256);
  const identity = { ...augment, cropScale: [1, 1] as const, cropRatio: [1, 1] as const, flipP: 0, jitterP: 0, grayscaleP: 0, blurP: 0 };
  const [pair] = previewPairs({ pixels, count: 1, height: 8, width: 8 }, identity, 8, 0);
  assert.deepEqual(pair!.first, pixels);
});

test('a byte count that does not match the shape is refused', () => {
  assert.throws(() => previewPairs({ pixels: new Uint8Array(10), count: 1, height: 2, width: 2 }, augment, 8, 0), /expected 1×2×2×3 = 12 bytes, got 10/);
});
