// The project's wasm Sum and Mean (an average pooling for leading-axes reductions,
// wasm's own kernel otherwise) against the cpu backend.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, liveCounts, readyBackends, runOn, seededValues, tf } from './kernels-helpers.ts';
import { leadingAxesAsMatrix } from '../../worker/kernels/reduce-leading-axes.ts';

const CASES: Array<{ shape: number[]; axis: number | number[]; keepDims?: boolean }> = [
  { shape: [4, 5, 6, 3], axis: [0, 1, 2] }, // batch-norm statistics (a small sum: wasm's own)
  { shape: [8, 16, 16, 3], axis: [0, 1, 2] }, // 2048 per channel: the pooled sum
  { shape: [2048, 5], axis: 0, keepDims: true },
  { shape: [4, 5, 6, 3], axis: [2, 0, 1], keepDims: true },
  { shape: [7, 9], axis: 0 },
  { shape: [7, 9], axis: -2, keepDims: true },
  { shape: [3, 4, 5], axis: [0, 1] },
  { shape: [4, 5, 6, 3], axis: [1, 2] }, // global average pool: wasm's own kernel
  { shape: [4, 5, 6, 3], axis: [0, 1, 2, 3] }, // all axes: wasm's own kernel
  { shape: [6, 5], axis: 1 },
];

describe('wasm Sum and Mean match cpu', () => {
  before(readyBackends);

  test('leadingAxesAsMatrix accepts exactly a proper prefix of the axes', () => {
    assert.deepEqual(leadingAxesAsMatrix([8, 32, 32, 16], [0, 1, 2]), [8192, 16]);
    assert.deepEqual(leadingAxesAsMatrix([8, 32, 32, 16], [2, 1, 0, 0]), [8192, 16]);
    assert.equal(leadingAxesAsMatrix([8, 32, 32, 16], [1, 2]), undefined);
    assert.equal(leadingAxesAsMatrix([8, 32], [0, 1]), undefined);
    assert.equal(leadingAxesAsMatrix([8, 32], []), undefined);
  });

  for (const { shape, axis, keepDims = false } of CASES) {
    test(`sum and mean of [${shape}] over ${JSON.stringify(axis)}${keepDims ? ', keepDims' : ''}`, async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const compute = () => {
        const x = tf.tensor(seededValues(size, 12), shape);
        return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims), tf.tensor1d(tf.sum(x, axis, keepDims).shape)];
      };
      const [cpuSum, cpuMean, cpuShape] = await runOn('cpu', compute);
      const [wasmSum, wasmMean, wasmShape] = await runOn('wasm', compute);
      assert.deepEqual(Array.from(wasmShape!), Array.from(cpuShape!), 'output shape');
      assertClose(wasmSum!, cpuSum!, 'sum', 1e-5);
      assertClose(wasmMean!, cpuMean!, 'mean', 1e-5);
    });
  }

  test('small sums of integer-valued floats stay exact', async () => {
    const [wasm] = await runOn('wasm', () => [tf.sum(tf.ones([100, 3]), 0)]);
    assert.deepEqual(Array.from(wasm!), [100, 100, 100]);
  });

  test('int32 sums stay exact (wasm’s own kernel)', async () => {
    const compute = () => [tf.sum(tf.tensor([[1, 2], [3, 2147483]], [2, 2], 'int32'), 0).cast('float32')];
    const [wasm] = await runOn('wasm', compute);
    assert.deepEqual(Array.from(wasm!), [4, 2147485]);
  });

  test('leaks no tensor and no wasm buffer', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(seededValues(4800, 13), [20, 3, 20, 4]);
    tf.sum(x, [0, 1, 2]).dispose();
    const start = liveCounts();
    for (let i = 0; i < 3; i++) tf.dispose([tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1], true)]);
    assert.deepEqual(liveCounts(), start);
    x.dispose();
  });
});
