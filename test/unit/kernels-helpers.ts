// Shared by the kernel tests: run the same computation on the cpu and wasm backends
// and compare. Not a test file itself (no .test.ts suffix).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { registerWasmTrainingKernels } from '../../worker/kernels/index.ts';

export { tf };

/** Makes both backends ready, with the project's kernels on wasm. */
export async function readyBackends(): Promise<void> {
  registerWasmTrainingKernels(tf);
  assert.ok(await tf.setBackend('cpu'), 'cpu backend initialises');
  assert.ok(await tf.setBackend('wasm'), 'wasm backend initialises');
}

/** Deterministic pseudo-random values in [-1, 1) (a small LCG; no Math.random in tests). */
export function seededValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `compute` on `backend` and returns its outputs' values; no tensor survives. */
export async function runOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(compute).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
}

/** Asserts |a − b| ≤ tol · max(1, max|b|) element-wise, naming `what` on failure. */
export function assertClose(a: Float32Array, b: Float32Array, what: string, tol = 1e-4): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol * scale, `${what}: max |wasm − cpu| = ${worst} at ${at} (scale ${scale}, tolerance ${tol * scale})`);
}

/** Counts tensors and wasm data buffers, to show a computation leaks neither. */
export function liveCounts(): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
}
