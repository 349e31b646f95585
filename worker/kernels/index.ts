// The training kernels the project registers on the wasm backend. tfjs-backend-wasm
// 4.22 can run a ResNet forward but not train it: it has no Conv2DBackpropFilter and no
// depthwise backprops, and its Conv2DBackpropInput is a scalar C++ loop. Each kernel
// here rewrites a gradient as a forward convolution on transposed / zero-upsampled /
// padded tensors, so the work runs in XNNPACK like the forward pass does.
//
// Found by running forward + backward of conv (1×1, 3×3, 7×7; stride 1 and 2; 'same'
// and 'valid'), depthwise conv, batch norm, ReLU, max/avg pool, global average pool,
// dense and the NT-Xent ops on wasm: only the four kernels below were missing or slow
// (MaxPoolGrad, AvgPoolGrad and the rest exist on wasm). Profiling a ResNet stage then
// showed wasm's Tile (used by tfjs's batch-norm gradient) as the slowest kernel of the
// step; tile.ts replaces it with a broadcast, and reduce-leading-axes.ts the Sum and
// Mean over [B, H, W] that batch norm and its gradient run (wasm transposes first).
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { Tf } from './types.ts';
import { CONV2D_BACKPROP_FILTER, conv2dBackpropFilterKernel } from './conv2d-backprop-filter.ts';
import { CONV2D_BACKPROP_INPUT, conv2dBackpropInputKernel } from './conv2d-backprop-input.ts';
import { DEPTHWISE_BACKPROP_FILTER, depthwiseBackpropFilterKernel } from './depthwise-backprop-filter.ts';
import { DEPTHWISE_BACKPROP_INPUT, depthwiseBackpropInputKernel } from './depthwise-backprop-input.ts';
import { TILE, tileKernel } from './tile.ts';
import { MEAN, meanKernel, SUM, sumKernel } from './reduce-leading-axes.ts';

/** Marks a kernel function as the project's, so registering twice is a no-op. */
const PROJECT_KERNEL = Symbol.for('simclr-studio.wasm-training-kernel');

/** Builds a kernel; `previous` is wasm's own kernel of that name, if any (for fallbacks). */
type KernelFactory = (tf: Tf, previous: KernelConfig | undefined) => KernelFunc;

const KERNEL_FACTORIES: ReadonlyArray<readonly [string, KernelFactory]> = [
  [CONV2D_BACKPROP_FILTER, conv2dBackpropFilterKernel],
  [CONV2D_BACKPROP_INPUT, conv2dBackpropInputKernel],
  [DEPTHWISE_BACKPROP_FILTER, depthwiseBackpropFilterKernel],
  [DEPTHWISE_BACKPROP_INPUT, depthwiseBackpropInputKernel],
  [TILE, tileKernel],
  [SUM, sumKernel],
  [MEAN, meanKernel],
];

/** Names of the kernels registerWasmTrainingKernels provides. */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNEL_FACTORIES.map(([name]) => name);

function isProjectKernel(config: KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as unknown as Record<symbol, unknown>)[PROJECT_KERNEL] === true;
}

/**
 * Registers the project's training kernels for backend 'wasm' in `tf`'s kernel registry,
 * replacing wasm's own slow Conv2DBackpropInput, Tile, and leading-axes Sum/Mean. Idempotent: kernels already registered
 * by this function are left alone. Call it before or after the wasm backend initialises
 * (the kernels have no setup step; they look up wasm's kernels when they run).
 * Returns the names of the kernels it registered in this call.
 */
export function registerWasmTrainingKernels(tf: Tf): string[] {
  const registered: string[] = [];
  for (const [kernelName, factory] of KERNEL_FACTORIES) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (isProjectKernel(existing)) continue;
    if (existing !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    const kernelFunc = Object.assign(factory(tf, existing), { [PROJECT_KERNEL]: true });
    // wasm's own kernel's setup (binding its C++ function) must still run when the
    // backend initialises after this call: our kernels may fall back to it.
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc,
      ...(existing?.setupFunc && { setupFunc: existing.setupFunc }),
      ...(existing?.disposeFunc && { disposeFunc: existing.disposeFunc }),
    });
    registered.push(kernelName);
  }
  return registered;
}
