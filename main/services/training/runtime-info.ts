// What the worker trains on, in the contract's terms, with plain advice on how to get a
// faster backend. GPU: only when the worker saw TensorFlow place its tensors on a GPU
// (worker/tensorflow-device.ts); tfjs-node-gpu loaded on a machine without a usable GPU
// runs on the CPU and is labelled so.
import type { BackendKind, RuntimeInfo } from '../../api/contract-experiments.ts';
import type { WorkerReady } from '../worker-host/worker-host.ts';

const GPU_HOW =
  'With an NVIDIA GPU, install CUDA 11.2 and cuDNN 8.1 and the optional package @tensorflow/tfjs-node-gpu (npm install @tensorflow/tfjs-node-gpu), then restart the app.';
const GPU_HOW_FOR_TENSORFLOW =
  'With an NVIDIA GPU, install CUDA 11.2 and cuDNN 8.1 (and the optional package @tensorflow/tfjs-node-gpu, if it is not installed yet), then restart the app.';
const NATIVE_HOW =
  'Without a GPU, the optional package @tensorflow/tfjs-node (native TensorFlow; its install downloads libtensorflow) usually trains several times faster than WebAssembly.';

export function isGpu(ready: WorkerReady): boolean {
  return ready.backend === 'tensorflow' && ready.gpu;
}

export function speedHint(ready: WorkerReady): string | null {
  if (isGpu(ready)) return null;
  switch (ready.backend) {
    case 'tensorflow':
      // Also the CUDA build without a usable GPU (then the package is there and CUDA is what is missing).
      return `Training runs on native TensorFlow on the CPU. ${GPU_HOW_FOR_TENSORFLOW}`;
    case 'wasm':
      return `Training runs in WebAssembly on the CPU (one thread). ${NATIVE_HOW} ${GPU_HOW}`;
    case 'cpu':
      return `Only the pure-JavaScript backend could start, which is very slow: keep to "Quick look". ${NATIVE_HOW} ${GPU_HOW}`;
  }
}

export function runtimeInfo(ready: WorkerReady | undefined, workerRestarts: number): RuntimeInfo {
  if (!ready) return { backend: null, detail: null, reasons: [], hint: null, gpu: false, workerRestarts };
  return { backend: ready.backend as BackendKind, detail: ready.detail, reasons: [...ready.reasons], hint: speedHint(ready), gpu: isGpu(ready), workerRestarts };
}
