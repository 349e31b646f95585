// Where native TensorFlow runs, decided from what tfjs-node's backend object reports
// (worker/tensorflow-device.ts cites the sources of these shapes). tfjs-node(-gpu) cannot
// be installed here, so the shapes are written out as NodeJSKernelBackend sets them, and
// selectBackend's use of them is checked with a 'tensorflow' backend registered on our tf
// that carries the same two fields.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, TFJS_NODE, TFJS_NODE_GPU, type ModuleLoader } from '../../worker/backend.ts';
import { tensorflowPlacement } from '../../worker/tensorflow-device.ts';

describe('tensorflowPlacement', () => {
  test('the CUDA build with a GPU device listed runs on the GPU', () => {
    const placement = tensorflowPlacement(TFJS_NODE_GPU, { isGPUPackage: true, isUsingGpuDevice: true });
    assert.equal(placement.device, 'gpu');
    assert.equal(placement.detail, 'TensorFlow (CUDA) — GPU (@tensorflow/tfjs-node-gpu)');
  });

  test('the CUDA build without a GPU device (no CUDA/cuDNN or no NVIDIA card) is labelled as running on the CPU, with what it needs', () => {
    const placement = tensorflowPlacement(TFJS_NODE_GPU, { isGPUPackage: true, isUsingGpuDevice: false });
    assert.equal(placement.device, 'cpu');
    assert.match(placement.detail, /^TensorFlow \(CUDA build\) — running on the CPU: no GPU found/);
    assert.match(placement.detail, /CUDA 11\.2 and cuDNN 8\.1/);
    assert.doesNotMatch(placement.detail, /— GPU/);
  });

  test('the CPU package is native CPU; a GPU build of libtensorflow under it (Jetson) still counts as the GPU', () => {
    assert.deepEqual(tensorflowPlacement(TFJS_NODE, { isGPUPackage: false, isUsingGpuDevice: false }), { device: 'cpu', detail: 'TensorFlow native CPU (@tensorflow/tfjs-node)' });
    assert.equal(tensorflowPlacement(TFJS_NODE, { isGPUPackage: false, isUsingGpuDevice: true }).device, 'gpu');
  });

  test('a binding that does not report its device (an old tfjs-node) is unknown, never the GPU', () => {
    for (const report of [{}, { isGPUPackage: true }, { isGPUPackage: true, isUsingGpuDevice: 'yes' }]) {
      const placement = tensorflowPlacement(TFJS_NODE_GPU, report);
      assert.equal(placement.device, 'unknown', JSON.stringify(report));
      assert.match(placement.detail, /GPU use unknown: this version of @tensorflow\/tfjs-node-gpu does not report its device/);
    }
  });
});

describe("selectBackend reads the placement from the 'tensorflow' backend it set", () => {
  /** tfjs-node's import registers 'tensorflow' on our tf; here a backend with NodeJSKernelBackend's two fields does. */
  function loaderRegistering(specifier: string, fields: { isGPUPackage: boolean; isUsingGpuDevice: boolean }): ModuleLoader {
    return {
      importModule: async (s) => {
        if (s !== specifier) throw Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' });
        // dispose: what tf.removeBackend calls when the test is over.
        tf.registerBackend('tensorflow', () => Object.assign(new tf.KernelBackend(), fields, { dispose() {} }));
        return {};
      },
    };
  }

  for (const [name, fields, gpu, detail] of [
    ['with a GPU', { isGPUPackage: true, isUsingGpuDevice: true }, true, /^TensorFlow \(CUDA\) — GPU/],
    ['without a GPU', { isGPUPackage: true, isUsingGpuDevice: false }, false, /^TensorFlow \(CUDA build\) — running on the CPU/],
  ] as const) {
    test(`tfjs-node-gpu ${name}`, async () => {
      const lines: string[] = [];
      try {
        const choice = await selectBackend('tensorflow', (line) => lines.push(line), loaderRegistering(TFJS_NODE_GPU, fields));
        assert.equal(choice.name, 'tensorflow');
        assert.equal(choice.gpu, gpu);
        assert.match(choice.detail, detail);
        assert.match(lines.at(-1)!, /^backend: using tensorflow — TensorFlow \(CUDA/);
      } finally {
        tf.removeBackend('tensorflow');
        await tf.setBackend('cpu');
      }
    });
  }
});
