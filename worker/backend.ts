// Chooses the TensorFlow.js backend the worker trains on, best first:
//   tensorflow  @tensorflow/tfjs-node-gpu (CUDA), then @tensorflow/tfjs-node (native CPU);
//               the CUDA build also loads without a GPU and then runs on the CPU, so
//               where it runs is read from the binding (tensorflow-device.ts)
//   wasm        @tensorflow/tfjs-backend-wasm + the project's training kernels (kernels/)
//   cpu         tfjs's pure-JS backend (always there, very slow)
// and says why each better one was not taken. The tfjs-node packages are optional
// dependencies whose install downloads libtensorflow, so they are often absent; they
// are imported dynamically, inside try/catch, only when asked for.
//
// ONE tf object: tfjs-node does `require('@tensorflow/tfjs')` and registers its
// 'tensorflow' backend on that module's engine; Node resolves our
// `import '@tensorflow/tfjs'` to the same CommonJS module (package "main"), so the tf
// returned here is the one every backend registered on. selectBackend checks this
// (findBackendFactory) instead of assuming it.
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../main/error-message.ts';
import type { BACKENDS } from './simclr/config.ts';
import { registerWasmTrainingKernels } from './kernels/index.ts';
import type { Tf } from './kernels/types.ts';
import { CUDA_REQUIREMENT, type TensorflowBackendReport, tensorflowPlacement } from './tensorflow-device.ts';

export type BackendPreference = (typeof BACKENDS)[number];
export type BackendName = Exclude<BackendPreference, 'auto'>;
/** The type of the project's one `@tensorflow/tfjs` namespace. */
export type { Tf };

export interface BackendChoice {
  /** The backend that tf now runs on. */
  readonly name: BackendName;
  /** What exactly runs, for logs and the UI, e.g. "wasm (XNNPACK, SIMD, 1 thread) …". */
  readonly detail: string;
  /** True only when TensorFlow really placed its tensors on a GPU (tensorflow-device.ts), not merely when its CUDA build loaded. */
  readonly gpu: boolean;
  /** The project's single @tensorflow/tfjs instance, set to this backend. */
  readonly tf: Tf;
  /** Why each better backend was not chosen, best first (empty when the best one was). */
  readonly reasons: readonly string[];
}

export type BackendLog = (message: string) => void;

/** How modules are loaded; the default is Node's dynamic import. Tests may pass another. */
export interface ModuleLoader {
  importModule(specifier: string): Promise<unknown>;
}

/** An explicitly requested backend that cannot run here. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const TFJS_NODE = '@tensorflow/tfjs-node';
export const TFJS_WASM = '@tensorflow/tfjs-backend-wasm';

interface Attempt {
  readonly name: BackendName;
  /** Short label used in reasons, e.g. "tensorflow (GPU)". */
  readonly label: string;
  /** Makes the backend current; returns what runs, or throws why it cannot. */
  readonly activate: (loader: ModuleLoader) => Promise<Activated>;
}

interface Activated {
  readonly detail: string;
  readonly gpu: boolean;
}

const ATTEMPTS: readonly Attempt[] = [
  {
    name: 'tensorflow',
    label: 'tensorflow (GPU)',
    activate: (loader) =>
      activateTensorflow(loader, TFJS_NODE_GPU, (why) => `${why}; it needs ${CUDA_REQUIREMENT}`),
  },
  {
    name: 'tensorflow',
    label: 'tensorflow (CPU)',
    activate: (loader) =>
      activateTensorflow(loader, TFJS_NODE, (why) =>
        why.endsWith('is not installed') ? `${why} (its install downloads libtensorflow; it fails without that download)` : why,
      ),
  },
  { name: 'wasm', label: 'wasm', activate: activateWasm },
  { name: 'cpu', label: 'cpu', activate: activateCpu },
];

/**
 * Makes the best available backend current (or exactly `preference` when it is not
 * 'auto') and returns it with the project's tf object. `log` receives one line per
 * backend passed over and one for the choice. An explicit preference that cannot run
 * throws BackendUnavailableError saying why.
 */
export async function selectBackend(
  preference: BackendPreference,
  log: BackendLog,
  loader: ModuleLoader = { importModule: (specifier) => import(specifier) },
): Promise<BackendChoice> {
  const candidates = preference === 'auto' ? ATTEMPTS : ATTEMPTS.filter((a) => a.name === preference);
  if (candidates.length === 0) {
    throw new BackendUnavailableError(`unknown backend '${String(preference)}': choose auto, tensorflow, wasm or cpu`);
  }
  const reasons: string[] = [];
  for (const attempt of candidates) {
    let activated: Activated;
    try {
      activated = await attempt.activate(loader);
    } catch (error) {
      const reason = `${attempt.label}: ${errorMessage(error)}`;
      reasons.push(reason);
      log(`backend: not ${reason}`);
      continue;
    }
    log(`backend: using ${attempt.name} — ${activated.detail}`);
    return { name: attempt.name, detail: activated.detail, gpu: activated.gpu, tf, reasons };
  }
  throw new BackendUnavailableError(
    `backend '${preference}' is not available here: ${reasons.join('; ')}. ` +
      `Choose another with --backend (auto picks the best that runs).`,
  );
}

/**
 * Imports a tfjs-node flavour, checks it registered 'tensorflow' on OUR tf, and says where
 * it runs: the CUDA build loads without a GPU too, and then runs on the CPU.
 */
async function activateTensorflow(loader: ModuleLoader, specifier: string, explain: (why: string) => string): Promise<Activated> {
  try {
    await loader.importModule(specifier);
  } catch (error) {
    throw new Error(explain(describeImportFailure(specifier, error)));
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    throw new Error(
      `${specifier} loaded but registered its backend with another copy of @tensorflow/tfjs-core; ` +
        `its @tensorflow/tfjs version must match the project's (${tf.version.tfjs})`,
    );
  }
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error(explain(`${specifier} loaded but its TensorFlow backend failed to initialise`));
  }
  const placement = tensorflowPlacement(specifier, tf.backend() as TensorflowBackendReport);
  return { detail: placement.detail, gpu: placement.device === 'gpu' };
}

async function activateWasm(loader: ModuleLoader): Promise<Activated> {
  try {
    await loader.importModule(TFJS_WASM);
  } catch (error) {
    throw new Error(describeImportFailure(TFJS_WASM, error));
  }
  // Before initialising, so training never sees wasm without its gradient kernels.
  registerWasmTrainingKernels(tf);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error(`${TFJS_WASM} failed to initialise (its .wasm binary could not be loaded or compiled)`);
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const detail =
    `${TFJS_WASM}, XNNPACK${simd ? ' with SIMD' : ' without SIMD'}, ` +
    `${threads ? 'multithreaded' : 'single-threaded'}; gradient convolutions by the project's kernels`;
  return { detail, gpu: false };
}

async function activateCpu(): Promise<Activated> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the pure-JS cpu backend failed to initialise');
  return { detail: 'pure JavaScript (slow: for tests and machines where nothing else runs)', gpu: false };
}

/** "not installed" when the package itself is missing, else the loader's own message. */
function describeImportFailure(specifier: string, error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const code = err?.code;
  const message = errorMessage(error);
  const missingItself = new RegExp(`Cannot find (package|module) '${escapeRegExp(specifier)}'`).test(message);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missingItself) {
    return `${specifier} is not installed`;
  }
  return `${specifier} failed to load: ${firstLine(message)}`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
