// Types shared by the wasm training kernels. The tf object is always the one the
// worker imported from '@tensorflow/tfjs' and passed in (never imported here), so the
// whole project runs on ONE tfjs-core engine and kernel registry.
import type * as tfNamespace from '@tensorflow/tfjs';
import type { DataId, TensorInfo } from '@tensorflow/tfjs';

export type Tf = typeof tfNamespace;

/** The part of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackendLike {
  /** Decrements the reference count of `dataId`, freeing it at zero. */
  disposeData(dataId: DataId, force?: boolean): boolean;
}

export type { TensorInfo };

/** Padding as tfjs accepts it for convolutions (NHWC explicit padding included). */
export type ConvPad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
