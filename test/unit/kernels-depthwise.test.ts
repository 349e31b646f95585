// DepthwiseConv2dNativeBackpropFilter / -Input on wasm (the project's XNNPACK
// rewrites) against the cpu backend, through tf.grads of a real depthwiseConv2d, and
// directly through the kernels for dilations (tfjs's gradient refuses dilation > 1).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, liveCounts, readyBackends, runOn, seededValues, tf } from './kernels-helpers.ts';

interface DepthwiseCase {
  readonly input: [number, number, number, number];
  /** [KH, KW, C, M]: M is the channel multiplier. */
  readonly filter: [number, number, number, number];
  readonly stride: number | [number, number];
  /** A number only with square filters and strides: tfjs computes the output shape of a
   * numeric pad from the height alone, and wasm's forward then writes past its buffer. */
  readonly pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
}

const CASES: DepthwiseCase[] = [
  { input: [2, 7, 7, 3], filter: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { input: [2, 8, 9, 3], filter: [3, 3, 3, 1], stride: 2, pad: 'same' },
  { input: [2, 9, 8, 2], filter: [3, 3, 2, 2], stride: 2, pad: 'valid' },
  { input: [1, 6, 7, 4], filter: [5, 5, 4, 3], stride: 1, pad: 'same' },
  { input: [3, 5, 5, 2], filter: [1, 1, 2, 2], stride: 2, pad: 'valid' },
  { input: [2, 10, 11, 2], filter: [3, 2, 2, 1], stride: [2, 1], pad: [[0, 0], [1, 1], [1, 0], [0, 0]] },
  { input: [2, 9, 9, 2], filter: [3, 3, 2, 1], stride: 2, pad: 1 },
];

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function depthwiseGrads(c: DepthwiseCase): tf.Tensor[] {
  const x = tf.tensor4d(seededValues(size(c.input), 4), c.input);
  const w = tf.tensor4d(seededValues(size(c.filter), 5), c.filter);
  const y = tf.depthwiseConv2d(x, w, c.stride, c.pad);
  const r = tf.tensor(seededValues(y.size, 6), y.shape);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(r).sum();
  return tf.grads(f)([x, w]);
}

const DILATED = {
  input: [2, 9, 8, 3] as [number, number, number, number],
  filter: [3, 3, 3, 2] as [number, number, number, number],
  dilation: 2,
};

/** The dilated case's gradients from the wasm kernels, called directly (dy = r). */
function dilatedKernels(): tf.Tensor[] {
  const { input, filter, dilation } = DILATED;
  const attrs = { strides: 1, dilations: dilation, pad: 'same' as const };
  const x = tf.tensor4d(seededValues(size(input), 7), input);
  const w = tf.tensor4d(seededValues(size(filter), 8), filter);
  const dy = tf.tensor4d(seededValues(size(input) * filter[3], 9), [input[0], input[1], input[2], input[3] * filter[3]]);
  const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: input }) as tf.Tensor;
  const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: filter }) as tf.Tensor;
  return [dx, dw];
}

/**
 * The same gradients by another route, for the cpu backend (whose backprop-input kernel
 * ignores dilations): a dilation-d filter equals a dilation-1 filter with d−1 zeros
 * between its taps, whose gradient tf.grads can take; dW is its every d-th tap.
 */
function dilatedReference(): tf.Tensor[] {
  const { input, filter, dilation: d } = DILATED;
  const [kh, kw, c, m] = filter;
  const x = tf.tensor4d(seededValues(size(input), 7), input);
  const w = tf.tensor4d(seededValues(size(filter), 8), filter);
  const r = tf.tensor4d(seededValues(size(input) * m, 9), [input[0], input[1], input[2], c * m]);
  const spread = tf.pad(w.reshape([kh, 1, kw, 1, c, m]), [[0, 0], [0, d - 1], [0, 0], [0, d - 1], [0, 0], [0, 0]]);
  const zeroFilled = spread.reshape([kh * d, kw * d, c, m]).slice([0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').mul(r).sum();
  const [dx, dwZeroFilled] = tf.grads(f)([x, zeroFilled]);
  const dw = tf.stridedSlice(dwZeroFilled!, [0, 0, 0, 0], [kh * d, kw * d, c, m], [d, d, 1, 1]);
  return [dx!, dw];
}

describe('wasm depthwise conv gradients match cpu', () => {
  before(readyBackends);

  for (const c of CASES) {
    test(`x[${c.input}] w[${c.filter}] stride ${JSON.stringify(c.stride)} pad ${JSON.stringify(c.pad)}`, async () => {
      const [cpuDx, cpuDw] = await runOn('cpu', () => depthwiseGrads(c));
      const [wasmDx, wasmDw] = await runOn('wasm', () => depthwiseGrads(c));
      assertClose(wasmDx!, cpuDx!, 'dx');
      assertClose(wasmDw!, cpuDw!, 'dw');
    });
  }

  test('dilation 2, called as kernels', async () => {
    const [cpuDx, cpuDw] = await runOn('cpu', dilatedReference);
    const [wasmDx, wasmDw] = await runOn('wasm', dilatedKernels);
    assertClose(wasmDx!, cpuDx!, 'dx');
    assertClose(wasmDw!, cpuDw!, 'dw');
  });

  test('no tensor or wasm buffer leaks', async () => {
    await tf.setBackend('wasm');
    tf.dispose(tf.tidy(() => depthwiseGrads(CASES[3]!)));
    const start = liveCounts();
    for (const c of CASES) tf.dispose(tf.tidy(() => depthwiseGrads(c)));
    assert.deepEqual(liveCounts(), start);
  });
});
