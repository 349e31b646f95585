// Sum and Mean over leading axes for the wasm backend: the reduction batch norm runs on
// every step (statistics over [B, H, W] of a [B, H, W, C] activation, and the same
// sums in its gradient and in the gradient of every per-channel broadcast). wasm's own
// kernels first transpose the reduced axes to the back, an element-by-element copy that
// costs more than the sum. Here the reduction is one XNNPACK average pooling instead:
//   x [d0 … dk−1, rest] → [1, N, 1, C] (N = d0·…·dk−1, C = the rest)
//   avgPool, window [N, 1] → [1, 1, 1, C] = the mean; × N = the sum
// (measured 3–4× faster than wasm's Sum on [32, 32, 32, 16]; a matrix product with a
// row of ones was slower, because XNNPACK repacks x as weights on every call).
// The sum is mean × N: up to a couple of float32 ulps from the sequential sum, which is
// far below the rounding a sum of that many terms already carries, but it means an
// integer-valued float sum is not guaranteed exact; so only reductions of at least
// MIN_POOLED_SUM elements take this path (small ones gain nothing), and int32 never does.
// Other reductions (inner axes, all axes, non-float32) go to wasm's own kernel.
import type { KernelConfig, KernelFunc, SumAttrs } from '@tensorflow/tfjs';
import type { TensorInfo, Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';

export const SUM = 'Sum';
export const MEAN = 'Mean';

/** Smallest reduced size for which Sum is computed as a pooled mean × N. */
export const MIN_POOLED_SUM = 1024;

/** [N, C] when `axes` are exactly the first k < rank axes of `shape`, else undefined. */
export function leadingAxesAsMatrix(shape: readonly number[], axes: readonly number[]): [number, number] | undefined {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  const k = sorted.length;
  if (k === 0 || k >= shape.length || sorted.some((axis, i) => axis !== i)) return undefined;
  const rows = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const cols = shape.slice(k).reduce((a, b) => a * b, 1);
  return [rows, cols];
}

function reduceKernel(tf: Tf, previous: KernelConfig | undefined, kernelName: string, average: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x === undefined) throw new Error(`${kernelName}: input x is required`);
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const matrix = x.dtype === 'float32' ? leadingAxesAsMatrix(x.shape, axes) : undefined;
    if (matrix === undefined || (!average && matrix[0] < MIN_POOLED_SUM)) {
      if (previous === undefined) throw new Error(`${kernelName}: no wasm kernel for this reduction`);
      return previous.kernelFunc(args);
    }
    const [rows, cols] = matrix;
    const kept = x.shape.slice(axes.length);
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      const column = calls.reshape(x, [1, rows, 1, cols]); // [1, N, 1, C]
      const mean = calls.run('AvgPool', { x: column }, { filterSize: [rows, 1], strides: 1, pad: 'valid' }); // [1, 1, 1, C]
      const result: TensorInfo = average
        ? mean
        : calls.run('Multiply', { a: mean, b: calls.run('Fill', {}, { shape: [], value: rows, dtype: 'float32' }) }, {});
      return calls.reshape(result, outShape);
    });
  };
}

export function sumKernel(tf: Tf, previous: KernelConfig | undefined): KernelFunc {
  return reduceKernel(tf, previous, SUM, false);
}

export function meanKernel(tf: Tf, previous: KernelConfig | undefined): KernelFunc {
  return reduceKernel(tf, previous, MEAN, true);
}
