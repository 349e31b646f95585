// Tile for the wasm backend as a broadcast, replacing wasm's element-by-element C++
// loop, which is slow enough to dominate a training step: tfjs's batch-norm gradient
// tiles the [C] statistics to the full [B, H, W, C] activation (measured on a ResNet
// stage, batch 8, 32×32: Tile took more time than all convolutions together).
//
// tile(x, reps) equals broadcasting x, reshaped so every repeated axis gets its own
// size-1 axis in front, against ones of the output's shape:
//   x [d0, d1, …] → [1·r0, d0, 1·r1, d1, …] (axes of size 1 dropped, neighbours of the
//   same kind merged) × ones [r0, d0, r1, d1, …] → reshape to [r0·d0, r1·d1, …]
// The multiply runs in wasm's broadcasting binary kernel (XNNPACK); × 1 is exact.
import type { KernelConfig, KernelFunc, TileAttrs } from '@tensorflow/tfjs';
import type { Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';

export const TILE = 'Tile';

/** Broadcast shapes wasm's binary kernels handle (XNNPACK's limit is 6 dimensions). */
const MAX_BROADCAST_RANK = 6;

/** The broadcast that computes tile(x, reps): x's shape and the ones' shape, same rank. */
export interface TileBroadcast {
  readonly inShape: number[];
  readonly outShape: number[];
}

/** Rewrites tile(shape, reps) as a broadcast with as few axes as possible. */
export function tileAsBroadcast(shape: readonly number[], reps: readonly number[]): TileBroadcast {
  const inShape: number[] = [];
  const outShape: number[] = [];
  let lastKind: 'repeat' | 'copy' | undefined;
  const push = (kind: 'repeat' | 'copy', size: number) => {
    if (size === 1) return;
    if (kind === lastKind) {
      outShape[outShape.length - 1]! *= size;
      if (kind === 'copy') inShape[inShape.length - 1]! *= size;
      return;
    }
    inShape.push(kind === 'repeat' ? 1 : size);
    outShape.push(size);
    lastKind = kind;
  };
  shape.forEach((size, axis) => {
    push('repeat', reps[axis]!);
    push('copy', size);
  });
  return { inShape, outShape };
}

export function tileKernel(tf: Tf, previous: KernelConfig | undefined): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x === undefined) throw new Error(`${TILE}: input x is required`);
    const { reps } = attrs as unknown as TileAttrs;
    const outShape = x.shape.map((size, axis) => size * reps[axis]!);
    const broadcast = tileAsBroadcast(x.shape, reps);
    const fast = (x.dtype === 'float32' || x.dtype === 'int32') && broadcast.outShape.length <= MAX_BROADCAST_RANK;
    if (!fast) {
      if (previous === undefined) throw new Error(`${TILE}: no wasm kernel for dtype '${x.dtype}' with ${reps.length} axes`);
      return previous.kernelFunc(args);
    }
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      const ones = calls.run('Fill', {}, { shape: broadcast.outShape, value: 1, dtype: x.dtype });
      const tiled = calls.run('Multiply', { a: calls.reshape(x, broadcast.inShape), b: ones }, {});
      return calls.reshape(tiled, outShape);
    });
  };
}
