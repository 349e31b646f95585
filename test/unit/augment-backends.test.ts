// The augmentations are backend-agnostic: the same seed gives the same views on the wasm
// backend (what training uses here) as on the cpu reference.
import { test, before } from 'node:test';
import { assertClose, readyBackends, runOn } from './kernels-helpers.ts';
import * as tf from '@tensorflow/tfjs';
import { augmentPair } from '../../worker/simclr/augment.ts';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import { createRng } from '../../worker/simclr/rng.ts';

before(readyBackends);

test('augmentPair gives the same views on wasm and cpu (crop, flip, jitter, grayscale, blur)', async () => {
  const augment = { ...resolveTrainConfig({ imageSize: 32 }).augment, blurP: 0.7, grayscaleP: 0.3 };
  const compute = () => {
    const source = createRng(11);
    const pixels = tf.tensor4d(Int32Array.from({ length: 6 * 36 * 30 * 3 }, () => source.int(256)), [6, 36, 30, 3], 'int32');
    return augmentPair(pixels, augment, 32, createRng(5));
  };
  const [cpuA, cpuB] = await runOn('cpu', compute);
  const [wasmA, wasmB] = await runOn('wasm', compute);
  assertClose(wasmA!, cpuA!, 'view 1', 1e-5);
  assertClose(wasmB!, cpuB!, 'view 2', 1e-5);
});
