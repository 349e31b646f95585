// Calls the wasm backend's own kernels (XNNPACK convolutions, transposes, pads …)
// from inside another kernel, the way tfjs-backend-wasm composes its kernels, and
// frees every intermediate it made. The kernels are looked up in the registry of the
// tf object passed in, so no second copy of tfjs-core is involved.
import type { NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs';
import type { ConvPad, TensorInfo, Tf, WasmBackendLike } from './types.ts';
import { splitPadOrCrop, type PadOrCrop } from './conv-geometry.ts';

/** Spatial pad/crop of an NHWC tensor: rows (height) and columns (width). */
export interface SpatialPadOrCrop {
  readonly rows: PadOrCrop;
  readonly cols: PadOrCrop;
}

/** One kernel invocation's scratch space: every output made here is freed by `finish`. */
export class KernelCalls {
  readonly #tf: Tf;
  readonly #backend: WasmBackendLike;
  readonly #made: TensorInfo[] = [];

  constructor(tf: Tf, backend: WasmBackendLike) {
    this.#tf = tf;
    this.#backend = backend;
  }

  /** Runs the wasm kernel `kernelName`; its output is an intermediate of this scope. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const config = this.#tf.getKernel(kernelName, 'wasm');
    if (config === undefined) {
      throw new Error(`wasm training kernels: the wasm backend has no '${kernelName}' kernel to build on`);
    }
    const out = config.kernelFunc({ inputs, attrs, backend: this.#backend });
    if (Array.isArray(out)) throw new Error(`wasm training kernels: '${kernelName}' returned several outputs`);
    this.#made.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Shares x's data (the wasm Reshape kernel only bumps a reference count). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  concat(tensors: TensorInfo[], axis: number): TensorInfo {
    // wasm's Concat reads its inputs as an array.
    return this.run('Concat', tensors as unknown as NamedTensorInfoMap, { axis });
  }

  /** Every `step`-th element from `begin`, `size` of them, per axis. */
  stridedSlice(x: TensorInfo, begin: number[], size: number[], step: number[]): TensorInfo {
    const end = begin.map((b, i) => b + (size[i]! - 1) * step[i]! + 1);
    return this.run('StridedSlice', { x }, {
      begin, end, strides: step, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
  }

  /** Zero padding of any rank. */
  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** XNNPACK convolution, NHWC; `pad` may be explicit and asymmetric. */
  conv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: ConvPad): TensorInfo {
    return this.run('Conv2D', { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC' });
  }

  /** XNNPACK depthwise convolution, NHWC, filter [KH, KW, C, M]. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: ConvPad): TensorInfo {
    return this.run('DepthwiseConv2dNative', { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC' });
  }

  /**
   * Crops the spatial axes of an NHWC tensor where `spatial` is negative and returns
   * the non-negative remainder as explicit conv padding (XNNPACK pads for free, so no
   * padded copy is made).
   */
  cropForConv(x: TensorInfo, spatial: SpatialPadOrCrop): { x: TensorInfo; pad: ConvPad } {
    const rows = splitPadOrCrop(spatial.rows);
    const cols = splitPadOrCrop(spatial.cols);
    let cropped = x;
    if (rows.crop.before + rows.crop.after + cols.crop.before + cols.crop.after > 0) {
      const [n, h, w, c] = x.shape as [number, number, number, number];
      cropped = this.slice(
        x,
        [0, rows.crop.before, cols.crop.before, 0],
        [n, h - rows.crop.before - rows.crop.after, w - cols.crop.before - cols.crop.after, c],
      );
    }
    const pad: ConvPad = [[0, 0], [rows.pad.before, rows.pad.after], [cols.pad.before, cols.pad.after], [0, 0]];
    return { x: cropped, pad };
  }

  /** Pads (positive) or crops (negative) the spatial axes of an NHWC tensor. */
  padOrCropSpatial(x: TensorInfo, spatial: SpatialPadOrCrop): TensorInfo {
    const { x: cropped, pad } = this.cropForConv(x, spatial);
    const [, [top, bottom], [left, right]] = pad as [[number, number], [number, number], [number, number], [number, number]];
    if (top + bottom + left + right === 0) return cropped;
    return this.pad(cropped, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  }

  /**
   * Inserts s−1 zeros after every row and column of an NHWC tensor:
   * [N, H, W, C] → [N, H·sh, W·sw, C] (the transpose of a strided read).
   */
  zeroUpsample(x: TensorInfo, strides: [number, number]): TensorInfo {
    const [sh, sw] = strides;
    if (sh === 1 && sw === 1) return x;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const split = this.reshape(x, [n, h, 1, w, 1, c]); // [N, H, 1, W, 1, C]
    const padded = this.pad(split, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]); // [N, H, sh, W, sw, C]
    return this.reshape(padded, [n, h * sh, w * sw, c]);
  }

  /** Frees every intermediate except `result` (which may share data with one of them). */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.#made) if (t !== result) this.#backend.disposeData(t.dataId);
    this.#made.length = 0;
    return result;
  }

  /** Frees everything made so far (on error). */
  abandon(): void {
    for (const t of this.#made) this.#backend.disposeData(t.dataId);
    this.#made.length = 0;
  }
}

/** Runs `body` with a fresh KernelCalls scope; intermediates are freed on success and on error. */
export function withKernelCalls(tf: Tf, backend: WasmBackendLike, body: (calls: KernelCalls) => TensorInfo): TensorInfo {
  const calls = new KernelCalls(tf, backend);
  try {
    return calls.finish(body(calls));
  } catch (error) {
    calls.abandon();
    throw error;
  }
}
