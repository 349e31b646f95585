// The whole gradient of a tiny ResNet-like network with an NT-Xent-style loss, wasm
// (with the project's kernels) against cpu: every op a SimCLR step runs — ImageNet stem
// (7×7 stride 2 'same'), batch norm, ReLU, 3×3 max-pool stride 2, a basic block with
// stride 2 and a 1×1 projection shortcut, global average pool, dense head, L2
// normalisation, cosine-similarity logits and a softmax cross entropy.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, liveCounts, readyBackends, runOn, seededValues, tf } from './kernels-helpers.ts';

const BATCH = 4;
const SIDE = 13;
const WIDTH = 6;

const WEIGHT_SHAPES: Record<string, number[]> = {
  stem: [7, 7, 3, WIDTH],
  conv1: [3, 3, WIDTH, 2 * WIDTH],
  conv2: [3, 3, 2 * WIDTH, 2 * WIDTH],
  shortcut: [1, 1, WIDTH, 2 * WIDTH],
  dense: [2 * WIDTH, 5],
  gammaStem: [WIDTH],
  betaStem: [WIDTH],
  gamma1: [2 * WIDTH],
  beta1: [2 * WIDTH],
};
const NAMES = Object.keys(WEIGHT_SHAPES);

/** Batch norm in training mode (batch statistics), with scale and offset. */
function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]); // [C], [C]
  return tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-5) as tf.Tensor4D;
}

/** Loss of the network on `images` [B, S, S, 3]: views 2i and 2i+1 form a positive pair. */
function loss(images: tf.Tensor4D, w: Record<string, tf.Tensor>): tf.Scalar {
  const conv = (x: tf.Tensor4D, name: string, stride: number) => tf.conv2d(x, w[name] as tf.Tensor4D, stride, 'same');
  const stem = tf.relu(batchNorm(conv(images, 'stem', 2), w.gammaStem!, w.betaStem!)); // [B, 7, 7, W]
  const pooled = tf.maxPool(stem, 3, 2, 'same'); // [B, 4, 4, W]
  const branch = tf.relu(batchNorm(conv(pooled, 'conv1', 2), w.gamma1!, w.beta1!)); // [B, 2, 2, 2W]
  const residual = conv(branch, 'conv2', 1); // [B, 2, 2, 2W]
  const shortcut = conv(pooled, 'shortcut', 2); // [B, 2, 2, 2W]
  const h = tf.relu(tf.add(residual, shortcut)).mean([1, 2]); // [B, 2W] global average pool
  const z = tf.matMul(h, w.dense as tf.Tensor2D); // [B, 5]
  const zn = tf.div(z, tf.norm(z, 2, 1, true)); // [B, 5] unit rows
  const logits = tf.matMul(zn, zn, false, true).div(0.5).sub(tf.eye(BATCH).mul(1e9)); // [B, B], self excluded
  const partner = tf.oneHot(tf.tensor1d([1, 0, 3, 2], 'int32'), BATCH); // [B, B]
  return tf.losses.softmaxCrossEntropy(partner, logits) as tf.Scalar;
}

function lossAndGrads(): tf.Tensor[] {
  const images = tf.tensor4d(seededValues(BATCH * SIDE * SIDE * 3, 10), [BATCH, SIDE, SIDE, 3]);
  const weights = NAMES.map((name, i) => {
    const shape = WEIGHT_SHAPES[name]!;
    const values = seededValues(shape.reduce((a, b) => a * b), 20 + i);
    return name.startsWith('gamma') ? tf.tensor(values, shape).mul(0.1).add(1) : tf.tensor(values, shape).mul(0.5);
  });
  const f = (...ws: tf.Tensor[]) => loss(images, Object.fromEntries(NAMES.map((n, i) => [n, ws[i]!])));
  const { value, grads } = tf.valueAndGrads(f)(weights);
  return [value, ...grads];
}

describe('a ResNet-like block trains the same on wasm as on cpu', () => {
  before(readyBackends);

  test('loss and the gradient of every weight agree', async () => {
    const cpu = await runOn('cpu', lossAndGrads);
    const wasm = await runOn('wasm', lossAndGrads);
    assertClose(wasm[0]!, cpu[0]!, 'loss');
    NAMES.forEach((name, i) => {
      const grad = cpu[i + 1]!;
      assert.ok(grad.some((v) => Math.abs(v) > 1e-6), `${name}: the cpu gradient is not all zero (the check means something)`);
      assertClose(wasm[i + 1]!, grad, `∂loss/∂${name}`);
    });
  });

  test('repeated steps leak no tensor and no wasm buffer', async () => {
    await tf.setBackend('wasm');
    tf.dispose(tf.tidy(lossAndGrads));
    const start = liveCounts();
    for (let step = 0; step < 3; step++) tf.dispose(tf.tidy(lossAndGrads));
    assert.deepEqual(liveCounts(), start);
  });
});
