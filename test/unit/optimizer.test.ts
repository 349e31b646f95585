// LARS, SGD and AdamW against plain-JS references on tiny variables; the bias/BN
// exclusion; learning-rate changes; optimiser state export/import.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, isExcludedFromDecay, type SimclrOptimizer } from '../../worker/simclr/optimizer.ts';
import { LARS_TRUST_COEFFICIENT } from '../../worker/simclr/lars.ts';
import type { NamedVariable } from '../../worker/simclr/model.ts';

before(async () => {
  await tf.setBackend('cpu');
});

let unique = 0;
/** A named parameter; the engine name is made unique so tests do not collide. */
function param(name: string, values: number[], shape: number[]): NamedVariable {
  return { name, variable: tf.variable(tf.tensor(values, shape), true, `${name}_${unique++}`) };
}

function step(optimizer: SimclrOptimizer, params: NamedVariable[], grads: number[][]): void {
  const map: tf.NamedTensorMap = {};
  params.forEach((p, i) => (map[p.variable.name] = tf.tensor(grads[i], p.variable.shape)));
  optimizer.applyGradients(map);
  tf.dispose(Object.values(map));
}

const values = (p: NamedVariable) => Array.from(p.variable.dataSync());
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

function assertClose(actual: number[], expected: number[], tolerance = 1e-6) {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < tolerance, `[${i}] ${a} vs ${expected[i]}`));
}

test('LARS first step matches the hand-computed update', () => {
  // w = [3, 4] (‖w‖ = 5), g = [0.6, 0.8], wd = 0.1 → g' = [0.9, 1.2] (‖g'‖ = 1.5),
  // trust = 0.001·5/1.5 = 1/300, lr = 2 → v = [0.006, 0.008], w = [2.994, 3.992].
  const kernel = param('dense/kernel', [3, 4], [1, 2]);
  const optimizer = createOptimizer({ optimizer: 'lars', lr: 2, weightDecay: 0.1, momentum: 0.9 }, [kernel]);
  step(optimizer, [kernel], [[0.6, 0.8]]);
  assertClose(values(kernel), [2.994, 3.992]);
  optimizer.dispose();
});

test('LARS follows a plain-JS reference over several steps with momentum and a changing lr', () => {
  const w0 = [0.5, -1.5, 2.0, 0.25];
  const grads = [
    [0.1, 0.2, -0.3, 0.4],
    [-0.2, 0.05, 0.1, 0.3],
    [0.3, -0.1, 0.2, -0.05],
  ];
  const lrs = [0.5, 1.0, 0.25];
  const [mu, wd] = [0.9, 1e-2];
  let w = [...w0];
  let v = [0, 0, 0, 0];
  for (let t = 0; t < 3; t++) {
    const g = grads[t].map((gi, i) => gi + wd * w[i]);
    const trust = (LARS_TRUST_COEFFICIENT * norm(w)) / norm(g);
    v = v.map((vi, i) => mu * vi + lrs[t] * trust * g[i]);
    w = w.map((wi, i) => wi - v[i]);
  }
  const kernel = param('conv/kernel', w0, [1, 1, 2, 2]);
  const optimizer = createOptimizer({ optimizer: 'lars', lr: 99, weightDecay: wd, momentum: mu }, [kernel]);
  for (let t = 0; t < 3; t++) {
    optimizer.setLearningRate(lrs[t]);
    step(optimizer, [kernel], [grads[t]]);
  }
  assertClose(values(kernel), w);
  assert.equal(optimizer.getStep(), 3);
  optimizer.dispose();
});

test('LARS leaves biases and batch-norm γ/β out of weight decay and adaptation', () => {
  const bias = param('dense/bias', [1, 2], [2]);
  const gamma = param('bn/gamma', [1, 1], [2]);
  assert.ok(isExcludedFromDecay(bias) && isExcludedFromDecay(gamma));
  const kernelLike = param('odd/bias', [1, 2, 3, 4], [2, 2]); // excluded by name even at rank 2
  assert.ok(isExcludedFromDecay(kernelLike));
  assert.ok(!isExcludedFromDecay(param('dense/kernel', [1, 2], [1, 2])));
  const optimizer = createOptimizer({ optimizer: 'lars', lr: 0.1, weightDecay: 0.5, momentum: 0.9 }, [bias, gamma]);
  step(optimizer, [bias, gamma], [
    [1, -1],
    [0.5, 0.5],
  ]);
  // Plain momentum SGD: w − lr·g, no trust ratio, no decay.
  assertClose(values(bias), [0.9, 2.1]);
  assertClose(values(gamma), [0.95, 0.95]);
  step(optimizer, [bias, gamma], [
    [1, -1],
    [0.5, 0.5],
  ]);
  // v = 0.9·0.1·g + 0.1·g = 0.19·g.
  assertClose(values(bias), [0.9 - 0.19, 2.1 + 0.19]);
  optimizer.dispose();
});

test('SGD with momentum and coupled weight decay matches the reference; no decay on biases', () => {
  const kernel = param('k/kernel', [1, -2], [1, 2]);
  const bias = param('k/bias', [1, -2], [2]);
  const optimizer = createOptimizer({ optimizer: 'sgd', lr: 0.1, weightDecay: 0.01, momentum: 0.9 }, [kernel, bias]);
  const g = [0.5, 0.25];
  step(optimizer, [kernel, bias], [g, g]);
  // v1 = g + wd·w; w1 = w − lr·v1.
  const v1 = [0.5 + 0.01, 0.25 - 0.02];
  const w1 = [1 - 0.1 * v1[0], -2 - 0.1 * v1[1]];
  assertClose(values(kernel), w1);
  assertClose(values(bias), [1 - 0.05, -2 - 0.025]);
  step(optimizer, [kernel, bias], [g, g]);
  const v2 = v1.map((v, i) => 0.9 * v + g[i] + 0.01 * w1[i]);
  assertClose(values(kernel), w1.map((w, i) => w - 0.1 * v2[i]));
  optimizer.dispose();
});

test('AdamW: first step is w(1 − lr·wd) − lr·sign(g); decay skips biases', () => {
  const kernel = param('a/kernel', [1, -2, 3], [3, 1]);
  const bias = param('a/bias', [1, -2, 3], [3]);
  const optimizer = createOptimizer({ optimizer: 'adamw', lr: 0.01, weightDecay: 0.1, momentum: 0.9 }, [kernel, bias]);
  const g = [0.5, -0.25, 2];
  step(optimizer, [kernel, bias], [g, g]);
  assertClose(values(kernel), [1 * 0.999 - 0.01, -2 * 0.999 + 0.01, 3 * 0.999 - 0.01], 1e-5);
  assertClose(values(bias), [1 - 0.01, -2 + 0.01, 3 - 0.01], 1e-5);
  optimizer.dispose();
});

test('state export/import: a restored optimiser continues exactly like the original', () => {
  for (const kind of ['lars', 'sgd', 'adamw'] as const) {
    const config = { optimizer: kind, lr: 0.05, weightDecay: 0.01, momentum: 0.9 };
    const a = [param('s/kernel', [0.3, -0.7, 1.1, 0.2], [2, 2]), param('s/bias', [0.1, 0.2], [2])];
    const grads = [
      [0.2, -0.1, 0.4, 0.3],
      [0.5, -0.5],
    ];
    const original = createOptimizer(config, a);
    step(original, a, grads);
    step(original, a, grads);
    const state = original.getState();
    assert.ok(state.some((s) => s.name === 'step') && state.some((s) => s.name.startsWith('s/kernel/')));
    const b = [param('s/kernel', values(a[0]), [2, 2]), param('s/bias', values(a[1]), [2])];
    const restored = createOptimizer(config, b);
    restored.setState(state);
    tf.dispose(state.map((s) => s.tensor));
    assert.equal(restored.getStep(), 2);
    step(original, a, grads);
    step(restored, b, grads);
    assertClose(values(b[0]), values(a[0]), 1e-7);
    assertClose(values(b[1]), values(a[1]), 1e-7);
    original.dispose();
    restored.dispose();
  }
});

test('a missing gradient is refused before any parameter changes', () => {
  const first = param('m/kernel', [1, 2], [1, 2]);
  const second = param('m2/kernel', [3, 4], [1, 2]);
  const optimizer = createOptimizer({ optimizer: 'sgd', lr: 0.1, weightDecay: 0, momentum: 0 }, [first, second]);
  const grad = tf.ones([1, 2]);
  assert.throws(() => optimizer.applyGradients({ [first.variable.name]: grad }), /no gradient for parameter 'm2\/kernel'/);
  assert.deepEqual(values(first), [1, 2]);
  assert.equal(optimizer.getStep(), 0);
  grad.dispose();
  optimizer.dispose();
});

test('a foreign state is refused with a message naming the entry, and changes nothing', () => {
  const kernel = param('f/kernel', [1, 2], [1, 2]);
  const optimizer = createOptimizer({ optimizer: 'sgd', lr: 0.1, weightDecay: 0, momentum: 0.9 }, [kernel]);
  step(optimizer, [kernel], [[1, 1]]);
  const good = optimizer.getState();
  const missing = good.filter((s) => s.name !== 'f/kernel/momentum');
  assert.throws(() => optimizer.setState(missing), /'f\/kernel\/momentum' is missing/);
  const wrongShape = tf.zeros([3]);
  assert.throws(
    () => optimizer.setState([...missing, { name: 'f/kernel/momentum', tensor: wrongShape }]),
    /has shape \[3\], expected \[1,2\]/,
  );
  const extra = tf.zeros([1]);
  assert.throws(() => optimizer.setState([...good, { name: 'other/kernel/m', tensor: extra }]), /unexpected entry 'other\/kernel\/m'/);
  const after = optimizer.getState();
  assert.deepEqual(Array.from(after.find((s) => s.name === 'f/kernel/momentum')!.tensor.dataSync()), [1, 1]);
  tf.dispose([wrongShape, extra, ...good.map((s) => s.tensor), ...after.map((s) => s.tensor)]);
  optimizer.dispose();
});

test('bad configuration and learning rates are refused by name; updates do not leak tensors', () => {
  const kernel = param('b/kernel', [1, 2], [1, 2]);
  assert.throws(() => createOptimizer({ optimizer: 'rmsprop' as never, lr: 1, weightDecay: 0, momentum: 0.9 }, [kernel]), /unknown optimizer 'rmsprop'/);
  assert.throws(() => createOptimizer({ optimizer: 'sgd', lr: 1, weightDecay: 0, momentum: 0.9 }, []), /no parameters/);
  const optimizer = createOptimizer({ optimizer: 'lars', lr: 1, weightDecay: 1e-6, momentum: 0.9 }, [kernel]);
  assert.throws(() => optimizer.setLearningRate(Number.NaN), /learning rate must be a finite number/);
  step(optimizer, [kernel], [[1, 1]]);
  const before = tf.memory().numTensors;
  step(optimizer, [kernel], [[1, 1]]);
  step(optimizer, [kernel], [[1, 1]]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => optimizer.applyGradients({}), /no gradient for parameter 'b\/kernel'/);
  const wrong = tf.ones([2, 1]);
  assert.throws(() => optimizer.applyGradients({ [kernel.variable.name]: wrong }), /gradient of 'b\/kernel' has shape \[2,1\], the parameter \[1,2\]/);
  wrong.dispose();
  optimizer.dispose();
});
