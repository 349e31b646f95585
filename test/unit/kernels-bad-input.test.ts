// What the wasm training kernels refuse, and how they say it: each error names the
// kernel and the offending attribute or input, and a refused call leaks nothing.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { liveCounts, readyBackends, tf } from './kernels-helpers.ts';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../worker/kernels/index.ts';

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) {
  return () => tf.engine().runKernel(kernel, inputs, attrs as never);
}

describe('wasm training kernels refuse bad input clearly', () => {
  before(async () => {
    await readyBackends();
    await tf.setBackend('wasm');
  });

  test('NCHW data format', () => {
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    assert.throws(
      run('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
      /^Error: Conv2DBackpropFilter \(wasm training kernel\): dataFormat 'NCHW' is not supported; use 'NHWC'/,
    );
    tf.dispose([x, dy]);
  });

  test('a dy that is not the forward output', () => {
    const dy = tf.zeros([1, 5, 5, 3]);
    const filter = tf.zeros([3, 3, 2, 3]);
    assert.throws(
      run('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 2] }),
      /Conv2DBackpropInput \(wasm training kernel\): dy has shape \[1,5,5,3\], the convolution's output is \[1,4,4,3\]/,
    );
    tf.dispose([dy, filter]);
  });

  test('a numeric pad with a non-square filter (tfjs would mis-size the output)', () => {
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 6, 6, 2]);
    assert.throws(
      run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: 1, dilations: 1, pad: 1, filterShape: [3, 1, 2, 1] }),
      /DepthwiseConv2dNativeBackpropFilter \(wasm training kernel\): a numeric pad \(1\) needs a square filter.*use 'same', 'valid' or explicit/,
    );
    tf.dispose([x, dy]);
  });

  test('a numeric pad with unequal strides', () => {
    const dy = tf.zeros([1, 3, 6, 2]);
    const filter = tf.zeros([3, 3, 2, 2]);
    assert.throws(
      run('Conv2DBackpropInput', { dy, filter }, { strides: [2, 1], pad: 1, dataFormat: 'NHWC', inputShape: [1, 6, 6, 2] }),
      /Conv2DBackpropInput \(wasm training kernel\): a numeric pad \(1\) needs a square filter, stride and dilation/,
    );
    tf.dispose([dy, filter]);
  });

  test('a non-float32 input', () => {
    const dy = tf.zeros([1, 4, 4, 3], 'int32');
    const filter = tf.zeros([3, 3, 2, 3]);
    assert.throws(
      run('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 2] }),
      /Conv2DBackpropInput \(wasm training kernel\): dy is int32, expected float32/,
    );
    tf.dispose([dy, filter]);
  });

  test('refused calls leak nothing', () => {
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    const start = liveCounts();
    assert.throws(run('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }));
    assert.deepEqual(liveCounts(), start);
    tf.dispose([x, dy]);
  });

  test('registering again changes nothing and reports nothing new', () => {
    const before = WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    assert.deepEqual(registerWasmTrainingKernels(tf), []);
    assert.deepEqual(WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc), before);
  });
});
