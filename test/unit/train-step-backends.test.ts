// One full SimCLR step (tiny ResNet-18, head, NT-Xent, LARS) on the wasm backend with
// the project's training kernels makes the same update as on cpu. SGD with a large lr,
// so each weight's change is the gradient itself (LARS's trust ratio would make it tiny).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, readyBackends } from './kernels-helpers.ts';
import * as tf from '@tensorflow/tfjs';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import { createEncoder, createProjectionHead, encoderOutputDim, trainableVariables } from '../../worker/simclr/model.ts';
import { createOptimizer } from '../../worker/simclr/optimizer.ts';
import { trainStep } from '../../worker/simclr/train-step.ts';

before(readyBackends);

/** Builds the seeded networks on `backend`, runs one step on fixed views, returns the metrics and each weight's change. */
async function oneStep(backend: 'cpu' | 'wasm') {
  await tf.setBackend(backend);
  const config = resolveTrainConfig({ width: 0.125, imageSize: 8, batchSize: 4, stem: 'imagenet', projectionOutputDim: 16, epochs: 1, warmupEpochs: 0, optimizer: 'sgd', lr: 1, weightDecay: 0, momentum: 0 });
  const encoder = createEncoder(config);
  const head = createProjectionHead(config, encoderOutputDim(config));
  const optimizer = createOptimizer(config, trainableVariables(encoder, head));
  const views = tf.tidy(() => {
    const a = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 21);
    const b = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 22);
    return [a, b] as [tf.Tensor4D, tf.Tensor4D];
  });
  const values = () => [...encoder.getWeights(true), ...head.getWeights(true)].map((w) => w.dataSync() as Float32Array);
  const before = values();
  const result = trainStep({ encoder, head, optimizer, config, step: 0, stepsPerEpoch: 10 }, views);
  const changes = values().map((after, i) => after.map((v, j) => v - before[i]![j]!));
  tf.dispose(views);
  optimizer.dispose();
  encoder.dispose();
  head.dispose();
  return { result, changes };
}

test('wasm and cpu agree on the loss, the metrics and the update of every weight', async () => {
  const cpu = await oneStep('cpu');
  const wasm = await oneStep('wasm');
  assert.ok(Math.abs(wasm.result.loss - cpu.result.loss) < 1e-4, `loss wasm ${wasm.result.loss} cpu ${cpu.result.loss}`);
  assert.ok(Math.abs(wasm.result.zStd - cpu.result.zStd) < 1e-5);
  assert.equal(wasm.changes.length, cpu.changes.length);
  const largest = Math.max(...cpu.changes.map((c) => Math.max(...c.map(Math.abs))));
  assert.ok(largest > 1e-3, `the step must move the weights (largest change ${largest})`);
  // Relative to the largest change of each weight (assertClose scales by max(1, max|cpu|)).
  wasm.changes.forEach((c, i) => {
    const scale = Math.max(1e-12, ...cpu.changes[i]!.map(Math.abs));
    assertClose(c.map((v) => v / scale), cpu.changes[i]!.map((v) => v / scale), `change of weight ${i}`, 1e-3);
  });
});
