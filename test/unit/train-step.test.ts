// One SimCLR step on the cpu backend with a tiny ResNet-18: the loss falls over a few
// steps on a fixed batch, the schedules drive lr and τ, batch-norm statistics move, no
// tensor leaks, and a non-finite loss leaves the networks untouched.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { resolveTrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import { createEncoder, createProjectionHead, encoderOutputDim, movingStatistics, trainableVariables } from '../../worker/simclr/model.ts';
import { createOptimizer } from '../../worker/simclr/optimizer.ts';
import { learningRateAt, temperatureAt } from '../../worker/simclr/schedule.ts';
import { normalizedStd, trainStep } from '../../worker/simclr/train-step.ts';

before(async () => {
  await tf.setBackend('cpu');
});

function setup(overrides: TrainConfigInput = {}) {
  const config = resolveTrainConfig({ width: 0.125, imageSize: 8, batchSize: 4, epochs: 2, projectionOutputDim: 16, ...overrides });
  const encoder = createEncoder(config);
  const head = createProjectionHead(config, encoderOutputDim(config));
  const optimizer = createOptimizer(config, trainableVariables(encoder, head));
  // Two fixed views: an image batch and a slightly noisy copy of it. [4, 8, 8, 3] each.
  const first = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const second = tf.tidy(() => tf.clipByValue(tf.add(first, tf.randomNormal([4, 8, 8, 3], 0, 0.1, 'float32', 2)), 0, 1)) as tf.Tensor4D;
  const dispose = () => {
    optimizer.dispose();
    encoder.dispose();
    head.dispose();
    tf.dispose([first, second]);
  };
  return { config, encoder, head, optimizer, views: [first, second] as [tf.Tensor4D, tf.Tensor4D], dispose };
}

const snapshot = (models: tf.LayersModel[]) => models.flatMap((m) => m.getWeights().map((w) => Array.from(w.dataSync())));

test('the loss falls over a few LARS steps on a fixed batch, with scheduled lr and τ and no tensor leak', () => {
  const s = setup({ temperatureSchedule: 'annealed', warmupEpochs: 1 });
  const stepsPerEpoch = 3;
  const statsBefore = Array.from(movingStatistics(s.encoder)[0].variable.dataSync());
  const losses: number[] = [];
  let tensorsAfterFirst = 0;
  for (let step = 0; step < 4; step++) {
    const r = trainStep({ ...s, step, stepsPerEpoch }, s.views);
    losses.push(r.loss);
    assert.equal(r.lr, learningRateAt(step, s.config, stepsPerEpoch));
    assert.equal(r.temperature, temperatureAt(step, s.config));
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
    assert.ok(r.zStd > 0 && r.zStd < 1, `zStd ${r.zStd}`);
    if (step === 0) tensorsAfterFirst = tf.memory().numTensors;
  }
  assert.equal(tf.memory().numTensors, tensorsAfterFirst, 'tensors leaked across steps');
  assert.ok(losses[3] < 0.9 * losses[0], `loss did not fall: ${losses.join(', ')}`);
  assert.equal(s.optimizer.getStep(), 4);
  assert.notDeepEqual(Array.from(movingStatistics(s.encoder)[0].variable.dataSync()), statsBefore, 'BN moving mean must move in training');
  s.dispose();
});

test('a non-finite loss is returned and changes neither weights, BN statistics nor optimiser state', () => {
  const s = setup({ optimizer: 'sgd' });
  trainStep({ ...s, step: 0, stepsPerEpoch: 2 }, s.views); // momentum is non-zero from here on
  const before = snapshot([s.encoder, s.head]);
  const tensors = tf.memory().numTensors;
  const poisoned = tf.tidy(() => tf.mul(s.views[0], tf.scalar(Number.NaN))) as tf.Tensor4D;
  const r = trainStep({ ...s, step: 1, stepsPerEpoch: 2 }, [poisoned, s.views[1]]);
  poisoned.dispose();
  assert.ok(Number.isNaN(r.loss), `loss ${r.loss}`);
  assert.deepEqual(snapshot([s.encoder, s.head]), before);
  assert.equal(s.optimizer.getStep(), 1);
  assert.equal(tf.memory().numTensors, tensors);
  s.dispose();
});

test('views of different shapes are refused', () => {
  const s = setup();
  const small = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
  assert.throws(() => trainStep({ ...s, step: 0, stepsPerEpoch: 1 }, [s.views[0], small]), /same \[N, S, S, 3\] shape/);
  small.dispose();
  s.dispose();
});

test('normalizedStd is 0 for collapsed z and about 1/√d for spread-out z', () => {
  const collapsed = tf.tidy(() => normalizedStd(tf.tile(tf.tensor2d([[1, 2, 3, 4]]), [8, 1])).dataSync()[0]);
  assert.ok(collapsed < 1e-6);
  const d = 64;
  const spread = tf.tidy(() => normalizedStd(tf.randomNormal([2000, d], 0, 1, 'float32', 3) as tf.Tensor2D).dataSync()[0]);
  assert.ok(Math.abs(spread - 1 / Math.sqrt(d)) < 0.01, `spread ${spread}`);
});
