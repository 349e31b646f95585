// Where native TensorFlow (tfjs-node / tfjs-node-gpu) really runs: on a GPU, or on the CPU.
// Loading @tensorflow/tfjs-node-gpu succeeds on a machine without a usable GPU: when the
// CUDA libraries (libcudart, libcudnn…) cannot be opened or no NVIDIA device is found,
// TensorFlow logs "Cannot dlopen some GPU libraries … Skipping registering GPU devices"
// and runs every op on its CPU kernels (tensorflow/tensorflow#34287, tensorflow/tfjs#622).
// So "the CUDA build loaded" says nothing about the GPU; what does:
//
// - tfjs-node/binding/tfjs_backend.cc (TFJSBackend constructor): lists the eager context's
//   devices (TFE_ContextListDevices); if one has type "GPU" it becomes the device every
//   tensor is copied to and `is_gpu_device = true`, else the host CPU is used and
//   `is_gpu_device = false`.
// - tfjs-node/binding/tfjs_binding.cc: exports that flag as `binding.isUsingGpuDevice()`.
// - tfjs-node/src/nodejs_kernel_backend.ts (NodeJSKernelBackend constructor):
//     this.isGPUPackage = packageName === '@tensorflow/tfjs-node-gpu';   // boolean
//     this.isUsingGpuDevice = this.binding.isUsingGpuDevice();           // boolean
//   so `tf.backend()` on the 'tensorflow' backend carries both booleans. Releases before
//   the binding exported the flag (tfjs-node 0.x/1.0) have neither property.
//
// The decision is here, apart from the import, so it can be tested on those shapes
// without libtensorflow (which cannot be installed where the tests run).

/** The two fields of tfjs-node's NodeJSKernelBackend that say where it runs (unknown: read from a live object). */
export interface TensorflowBackendReport {
  readonly isGPUPackage?: unknown;
  readonly isUsingGpuDevice?: unknown;
}

export interface TensorflowPlacement {
  /** 'unknown' when the binding does not say (an old tfjs-node): never claimed as a GPU. */
  readonly device: 'gpu' | 'cpu' | 'unknown';
  /** For logs and the UI, e.g. "TensorFlow (CUDA) — GPU". */
  readonly detail: string;
}

/** What a user needs for tfjs-node-gpu to find the GPU (the versions tfjs-node-gpu 4.x is built against). */
export const CUDA_REQUIREMENT =
  'an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 installed (libcudart.so.11.0, libcudnn.so.8 on Linux)';

/**
 * Where the 'tensorflow' backend runs, from what its backend object reports.
 * `specifier` is the package that was imported (named in the detail).
 */
export function tensorflowPlacement(specifier: string, report: TensorflowBackendReport): TensorflowPlacement {
  const cudaBuild = report.isGPUPackage === true;
  if (report.isUsingGpuDevice === true) {
    // A GPU device was listed: tensors live on it (a plain tfjs-node can report this too
    // when its libtensorflow is a GPU build, e.g. the Jetson builds of tensorflow/tfjs#2872).
    return { device: 'gpu', detail: `TensorFlow (CUDA) — GPU (${specifier})` };
  }
  if (report.isUsingGpuDevice === false) {
    return cudaBuild
      ? { device: 'cpu', detail: `TensorFlow (CUDA build) — running on the CPU: no GPU found; it needs ${CUDA_REQUIREMENT} (${specifier})` }
      : { device: 'cpu', detail: `TensorFlow native CPU (${specifier})` };
  }
  return {
    device: 'unknown',
    detail: `TensorFlow${cudaBuild ? ' (CUDA build)' : ''} — GPU use unknown: this version of ${specifier} does not report its device, so the app does not count it as a GPU`,
  };
}
