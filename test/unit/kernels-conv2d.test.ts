// Conv2DBackpropFilter / Conv2DBackpropInput on wasm (the project's XNNPACK rewrites)
// against the cpu backend's reference kernels, through tf.grads of a real conv2d.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, liveCounts, readyBackends, runOn, seededValues, tf } from './kernels-helpers.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  readonly input: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: number | [number, number];
  readonly pad: Pad;
}

const CASES: ConvCase[] = [];
// ResNet's shapes: 1×1 and 3×3 stride 1 and 2, 7×7 stride 2 'same', on odd and even sizes.
for (const [h, w] of [[7, 7], [8, 9], [6, 5]] as const) {
  for (const k of [1, 3]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) CASES.push({ input: [2, h, w, 3], filter: [k, k, 3, 4], stride, pad });
    }
  }
}
CASES.push({ input: [2, 11, 11, 3], filter: [7, 7, 3, 5], stride: 2, pad: 'same' });
CASES.push({ input: [1, 12, 13, 2], filter: [7, 7, 2, 3], stride: 2, pad: 'same' });
CASES.push({ input: [2, 9, 9, 3], filter: [3, 3, 3, 2], stride: 2, pad: 1 });
CASES.push({ input: [2, 8, 7, 2], filter: [3, 2, 2, 3], stride: [2, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] });
CASES.push({ input: [3, 5, 5, 4], filter: [5, 5, 4, 2], stride: 3, pad: 'valid' });
CASES.push({ input: [2, 4, 4, 3], filter: [1, 1, 3, 2], stride: 3, pad: 'valid' });
// Strided, input divisible by the stride: ∂L/∂x by sub-pixel phases.
CASES.push({ input: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' });
CASES.push({ input: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'valid' });
CASES.push({ input: [2, 12, 12, 3], filter: [7, 7, 3, 4], stride: 2, pad: 'same' });
CASES.push({ input: [2, 9, 9, 2], filter: [3, 3, 2, 3], stride: 3, pad: 'same' });
CASES.push({ input: [2, 9, 6, 2], filter: [4, 3, 2, 3], stride: 3, pad: 'valid' });
CASES.push({ input: [2, 8, 10, 3], filter: [2, 2, 3, 2], stride: 2, pad: 'valid' });
CASES.push({ input: [1, 16, 16, 4], filter: [5, 5, 4, 3], stride: 2, pad: [[0, 0], [1, 3], [2, 0], [0, 0]] });
CASES.push({ input: [1, 8, 8, 2], filter: [3, 3, 2, 2], stride: 2, pad: [[0, 0], [5, 4], [0, 6], [0, 0]] });
// Padding wider than the filter reaches: dy's border rows are cropped away in ∂L/∂x.
CASES.push({ input: [2, 5, 4, 3], filter: [1, 1, 3, 2], stride: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] });
CASES.push({ input: [2, 6, 6, 2], filter: [3, 3, 2, 3], stride: 2, pad: 3 });

function describeCase(c: ConvCase): string {
  return `x[${c.input}] w[${c.filter}] stride ${JSON.stringify(c.stride)} pad ${JSON.stringify(c.pad)}`;
}

/** ∂/∂x and ∂/∂w of Σ r·conv2d(x, w), with r random so dy is not uniform. */
function convGrads(c: ConvCase): tf.Tensor[] {
  const x = tf.tensor4d(seededValues(c.input.reduce((a, b) => a * b), 1), c.input);
  const w = tf.tensor4d(seededValues(c.filter.reduce((a, b) => a * b), 2), c.filter);
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const r = tf.tensor(seededValues(y.size, 3), y.shape);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(r).sum();
  return tf.grads(f)([x, w]);
}

describe('wasm conv2d gradients match cpu', () => {
  before(readyBackends);

  for (const c of CASES) {
    test(describeCase(c), async () => {
      const [cpuDx, cpuDw] = await runOn('cpu', () => convGrads(c));
      const [wasmDx, wasmDw] = await runOn('wasm', () => convGrads(c));
      assertClose(wasmDx!, cpuDx!, 'dx');
      assertClose(wasmDw!, cpuDw!, 'dw');
    });
  }

  test('the gradient kernels leak no tensor and no wasm buffer', async () => {
    await tf.setBackend('wasm');
    const c = CASES[CASES.length - 4]!;
    tf.dispose(tf.tidy(() => convGrads(c))); // warm-up: anything lazily created stays out of the count
    const start = liveCounts();
    for (let i = 0; i < 3; i++) tf.dispose(tf.tidy(() => convGrads(c)));
    assert.deepEqual(liveCounts(), start);
  });

  test('an NCHW dataFormat is refused with a message naming the kernel', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
      /Conv2DBackpropFilter.*dataFormat 'NCHW'/,
    );
    tf.dispose([x, dy]);
  });

  test('a dy whose shape is not the convolution output is refused', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 5, 5, 3]);
    const filter = tf.zeros([3, 3, 2, 3]);
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 2] }),
      /Conv2DBackpropInput.*dy has shape \[1,5,5,3\].*\[1,4,4,3\]/,
    );
    tf.dispose([dy, filter]);
  });
});
