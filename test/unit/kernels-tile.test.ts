// The project's wasm Tile (a broadcast multiply) against the cpu backend's, over ranks,
// repetition patterns and dtypes, including the ones it hands back to wasm's own kernel.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { liveCounts, readyBackends, runOn, seededValues, tf } from './kernels-helpers.ts';
import { tileAsBroadcast } from '../../worker/kernels/tile.ts';

const CASES: Array<{ shape: number[]; reps: number[] }> = [
  { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] }, // batch-norm statistics → activation
  { shape: [2, 3], reps: [2, 3] },
  { shape: [3, 1, 2], reps: [1, 4, 1] },
  { shape: [7], reps: [3] },
  { shape: [2, 3, 4], reps: [1, 1, 1] },
  { shape: [2, 1, 3, 1, 2], reps: [2, 3, 1, 2, 2] },
  { shape: [1, 2, 1, 2, 1, 2, 1], reps: [2, 1, 2, 1, 2, 1, 2] }, // too many axes: wasm's own kernel
];

describe('wasm Tile matches cpu', () => {
  before(readyBackends);

  test('tileAsBroadcast merges axes of the same kind and drops size-1 axes', () => {
    assert.deepEqual(tileAsBroadcast([1, 1, 1, 16], [8, 32, 32, 1]), { inShape: [1, 16], outShape: [8192, 16] });
    assert.deepEqual(tileAsBroadcast([2, 3], [2, 3]), { inShape: [1, 2, 1, 3], outShape: [2, 2, 3, 3] });
    assert.deepEqual(tileAsBroadcast([4, 5], [1, 1]), { inShape: [20], outShape: [20] });
  });

  for (const { shape, reps } of CASES) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      test(`tile([${shape}], [${reps}]) ${dtype}`, async () => {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Array.from(seededValues(size, 11), (v) => (dtype === 'bool' ? v > 0 : Math.round(v * 100)));
        const compute = () => [tf.tile(tf.tensor(values as number[] | boolean[], shape, dtype), reps).cast('float32')];
        const [cpu] = await runOn('cpu', compute);
        const [wasm] = await runOn('wasm', compute);
        assert.deepEqual(Array.from(wasm!), Array.from(cpu!));
      });
    }
  }

  test('leaks no tensor and no wasm buffer', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3], [1, 3]);
    tf.tile(x, [2, 2]).dispose();
    const start = liveCounts();
    for (let i = 0; i < 3; i++) tf.tile(x, [4, 1]).dispose();
    assert.deepEqual(liveCounts(), start);
    x.dispose();
  });
});
