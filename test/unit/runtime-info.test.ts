// RuntimeInfo's GPU flag comes from where TensorFlow really runs (the worker's `gpu`), not
// from tfjs-node-gpu being the backend taken: its CUDA build also loads without a GPU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeInfo } from '../../main/services/training/runtime-info.ts';

test('tfjs-node-gpu taken with no reasons but running on the CPU is not reported as the GPU, and gets the speed hint', () => {
  const info = runtimeInfo({ backend: 'tensorflow', detail: 'TensorFlow (CUDA build) — running on the CPU: no GPU found', gpu: false, reasons: [] }, 0);
  assert.equal(info.gpu, false);
  assert.match(info.hint ?? '', /native TensorFlow on the CPU/);
  assert.match(info.hint ?? '', /CUDA 11\.2 and cuDNN 8\.1.*if it is not installed yet/, 'the package may be there already: CUDA is what is missing');
});

test('TensorFlow on a GPU is the GPU, with no hint', () => {
  const info = runtimeInfo({ backend: 'tensorflow', detail: 'TensorFlow (CUDA) — GPU', gpu: true, reasons: [] }, 2);
  assert.deepEqual({ gpu: info.gpu, hint: info.hint, workerRestarts: info.workerRestarts }, { gpu: true, hint: null, workerRestarts: 2 });
});
