// Backend selection: the real fallback on this machine (no tfjs-node) and, through an
// injected module loader, the failures that need hardware we do not have (a CUDA
// library missing, a tfjs-node built against another tfjs-core).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  selectBackend,
  TFJS_NODE,
  TFJS_NODE_GPU,
  TFJS_WASM,
  type ModuleLoader,
} from '../../worker/backend.ts';

const require = createRequire(import.meta.url);
function installed(specifier: string): boolean {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
const tfjsNodeAbsent = !installed(TFJS_NODE) && !installed(TFJS_NODE_GPU);

/** Real imports, except `failing` modules, which throw the given error. */
function loaderFailing(failing: Record<string, Error>): ModuleLoader {
  return {
    importModule: (specifier) => (specifier in failing ? Promise.reject(failing[specifier]) : import(specifier)),
  };
}

function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('selectBackend', () => {
  test('auto without tfjs-node falls back to wasm and says which modules are missing', { skip: !tfjsNodeAbsent && 'tfjs-node is installed here' }, async () => {
    const { lines, log } = collectLog();
    const choice = await selectBackend('auto', log);
    assert.equal(choice.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(choice.tf, tf, 'the project has one tf object');
    assert.equal(choice.reasons.length, 2);
    assert.match(choice.reasons[0]!, /@tensorflow\/tfjs-node-gpu is not installed.*CUDA 11\.2 and cuDNN 8\.1/);
    assert.match(choice.reasons[1]!, /@tensorflow\/tfjs-node is not installed/);
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'wasm has the training kernels');
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /using wasm .*XNNPACK/);
  });

  test("an explicit 'tensorflow' that cannot load is a clear error", { skip: !tfjsNodeAbsent && 'tfjs-node is installed here' }, async () => {
    await assert.rejects(selectBackend('tensorflow', () => {}), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.match(error.message, /backend 'tensorflow' is not available/);
      assert.match(error.message, /@tensorflow\/tfjs-node-gpu is not installed/);
      assert.match(error.message, /@tensorflow\/tfjs-node is not installed/);
      assert.match(error.message, /--backend/);
      return true;
    });
  });

  test('a tfjs-node-gpu that fails to load names the library and the CUDA requirement', async () => {
    const dlopen = Object.assign(new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    const notThere = Object.assign(new Error(`Cannot find package '${TFJS_NODE}' imported from /x.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
    const { log } = collectLog();
    const choice = await selectBackend('auto', log, loaderFailing({ [TFJS_NODE_GPU]: dlopen, [TFJS_NODE]: notThere }));
    assert.equal(choice.name, 'wasm');
    assert.match(choice.reasons[0]!, /tfjs-node-gpu failed to load: libcudart\.so\.11\.0: cannot open/);
    assert.match(choice.reasons[0]!, /CUDA 11\.2 and cuDNN 8\.1/);
  });

  test('a missing dependency inside tfjs-node is reported as a load failure, not as "not installed"', async () => {
    const inner = Object.assign(new Error(`Cannot find module '/n/${TFJS_NODE}/lib/napi-v8/tfjs_binding.node'`), { code: 'MODULE_NOT_FOUND' });
    const notThere = Object.assign(new Error(`Cannot find package '${TFJS_NODE_GPU}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    const choice = await selectBackend('auto', () => {}, loaderFailing({ [TFJS_NODE_GPU]: notThere, [TFJS_NODE]: inner }));
    assert.match(choice.reasons[1]!, /tfjs-node failed to load: Cannot find module .*tfjs_binding\.node/);
  });

  test('a tfjs-node that loads but registers nothing on our tf is refused with the reason', async () => {
    // Resolves like a tfjs-node built against another copy of tfjs-core would: no 'tensorflow' here.
    const loader: ModuleLoader = { importModule: (s) => (s === TFJS_NODE || s === TFJS_NODE_GPU ? Promise.resolve({}) : import(s)) };
    const choice = await selectBackend('auto', () => {}, loader);
    assert.equal(choice.name, 'wasm');
    assert.match(choice.reasons[1]!, /another copy of @tensorflow\/tfjs-core/);
  });

  test('when wasm cannot load either, auto ends on cpu with three reasons', async () => {
    const broken = new Error('simulated: wasm binary unreadable');
    const choice = await selectBackend('auto', () => {}, loaderFailing({ [TFJS_WASM]: broken, [TFJS_NODE]: broken, [TFJS_NODE_GPU]: broken }));
    assert.equal(choice.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(choice.reasons.length, 3);
    assert.match(choice.reasons[2]!, /^wasm: @tensorflow\/tfjs-backend-wasm failed to load: simulated/);
  });

  test("explicit 'wasm' and 'cpu' give exactly that backend and no reasons", async () => {
    for (const name of ['wasm', 'cpu'] as const) {
      const choice = await selectBackend(name, () => {});
      assert.equal(choice.name, name);
      assert.equal(tf.getBackend(), name);
      assert.deepEqual(choice.reasons, []);
    }
  });

  test('an unknown preference is refused by name', async () => {
    await assert.rejects(selectBackend('gpu' as never, () => {}), /unknown backend 'gpu'/);
  });
});
