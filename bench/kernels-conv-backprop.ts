// Benchmark: forward + backward of a small ResNet stage (two basic blocks, the second
// with stride 2 and a 1×1 projection shortcut; batch norm and ReLU, as in a SimCLR
// encoder at the default small configuration) on
//   - wasm with the project's kernels (worker/kernels),
//   - wasm with its own Conv2DBackpropInput (scalar loop) in place of the project's,
//   - the pure-JS cpu backend,
//   - PyTorch on the identical stage (bench/reference/kernels_conv_backprop.py) when
//     Debian's python3-torch is installed,
// then the gradient kernels alone against the forward convolution of the same shape.
// Prints CPU milliseconds and ratios; asserts nothing (DESIGN.md §5: no timed tests).
//
//   node_modules/.bin/node bench/kernels-conv-backprop.ts [--batch 32] [--size 32]
//       [--channels 16] [--iters 5] [--cpu-iters 2] [--no-cpu] [--no-torch]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { registerWasmTrainingKernels } from '../worker/kernels/index.ts';

const { values: flags } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    size: { type: 'string', default: '32' },
    channels: { type: 'string', default: '16' },
    iters: { type: 'string', default: '5' },
    'cpu-iters': { type: 'string', default: '2' },
    'no-cpu': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
  },
});
const B = Number(flags.batch);
const S = Number(flags.size);
const C = Number(flags.channels);
const ITERS = Number(flags.iters);
const CPU_ITERS = Number(flags['cpu-iters']);
for (const [name, v] of Object.entries({ batch: B, size: S, channels: C, iters: ITERS, 'cpu-iters': CPU_ITERS })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
}

type Weights = Record<string, tf.Tensor>;

/** Stage weights, deterministic (He-scaled uniform from tf's seeded RNG). */
function makeWeights(): Weights {
  const conv = (k: number, cin: number, cout: number, seed: number) =>
    tf.randomUniform([k, k, cin, cout], -1, 1, 'float32', seed).mul(Math.sqrt(3 / (k * k * cin)));
  return {
    a1: conv(3, C, C, 1), a2: conv(3, C, C, 2),
    b1: conv(3, C, 2 * C, 3), b2: conv(3, 2 * C, 2 * C, 4), bs: conv(1, C, 2 * C, 5),
    ga1: tf.ones([C]), ba1: tf.zeros([C]), ga2: tf.ones([C]), ba2: tf.zeros([C]),
    gb1: tf.ones([2 * C]), bb1: tf.zeros([2 * C]), gb2: tf.ones([2 * C]), bb2: tf.zeros([2 * C]),
    gbs: tf.ones([2 * C]), bbs: tf.zeros([2 * C]),
  };
}

function convBn(x: tf.Tensor4D, w: Weights, conv: string, bn: string, stride: number): tf.Tensor4D {
  const y = tf.conv2d(x, w[conv] as tf.Tensor4D, stride, 'same');
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  return tf.batchNorm(y, mean, variance, w[`b${bn}`] as tf.Tensor1D, w[`g${bn}`] as tf.Tensor1D, 1e-5) as tf.Tensor4D;
}

/** The stage: [B, S, S, C] → [B, S/2, S/2, 2C], then a scalar loss. */
function stageLoss(x: tf.Tensor4D, w: Weights): tf.Scalar {
  const a = tf.relu(tf.add(convBn(tf.relu(convBn(x, w, 'a1', 'a1', 1)), w, 'a2', 'a2', 1), x)) as tf.Tensor4D; // [B, S, S, C]
  const main = convBn(tf.relu(convBn(a, w, 'b1', 'b1', 2)), w, 'b2', 'b2', 1); // [B, S/2, S/2, 2C]
  const shortcut = convBn(a, w, 'bs', 'bs', 2); // [B, S/2, S/2, 2C]
  return tf.relu(tf.add(main, shortcut)).square().mean() as tf.Scalar;
}

/**
 * Median CPU time in ms (user + system of this process) of `iters` runs of `f` after one
 * warm-up run. CPU time rather than wall time: the wasm backend runs on this thread
 * alone, and on a shared machine wall time mostly measures the neighbours.
 */
function timeMs(iters: number, f: () => tf.Tensor[]): number {
  const run = () => {
    const outs = tf.tidy(f);
    for (const t of outs) t.dataSync(); // wait for the values
    tf.dispose(outs);
  };
  run();
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)]!;
}

function stageStep(): tf.Tensor[] {
  const x = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 7) as tf.Tensor4D;
  const w = makeWeights();
  const names = Object.keys(w);
  const f = (...ws: tf.Tensor[]) => stageLoss(x, Object.fromEntries(names.map((n, i) => [n, ws[i]!])));
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => w[n]!));
  return [value, ...grads];
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const nativeBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  registerWasmTrainingKernels(tf);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  console.log(`ResNet stage fwd+bwd (median CPU ms), batch ${B}, ${S}×${S}×${C} → ${S / 2}×${S / 2}×${2 * C}; wasm SIMD ${simd}, 1 thread`);

  const results: Record<string, number> = {};
  results.wasmProject = timeMs(ITERS, stageStep);
  console.log(`wasm, project kernels                      ${fmt(results.wasmProject)}`);

  if (nativeBackpropInput !== undefined) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(nativeBackpropInput);
    results.wasmNativeInput = timeMs(Math.min(ITERS, 3), stageStep);
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    registerWasmTrainingKernels(tf);
    console.log(`wasm, its own Conv2DBackpropInput          ${fmt(results.wasmNativeInput)}  (${ratio(results.wasmNativeInput, results.wasmProject)} the project's)`);
  }

  if (!flags['no-cpu']) {
    await tf.setBackend('cpu');
    results.cpu = timeMs(CPU_ITERS, stageStep);
    console.log(`cpu (pure JS)                              ${fmt(results.cpu)}  (${ratio(results.cpu, results.wasmProject)} wasm)`);
    await tf.setBackend('wasm');
  }

  if (!flags['no-torch']) {
    const script = fileURLToPath(new URL('./reference/kernels_conv_backprop.py', import.meta.url));
    const args = [script, '--batch', String(B), '--size', String(S), '--channels', String(C), '--iters', String(ITERS)];
    // Debian's python3-torch is installed for the system interpreter, which a pyenv or
    // venv `python3` on PATH does not see; $PYTHON overrides.
    const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
    const py = spawnSync(python, args, { encoding: 'utf8' });
    const last = py.stdout?.trim().split('\n').at(-1) ?? '';
    if (py.status === 0 && last.startsWith('{')) {
      const torch = JSON.parse(last) as { ms: number; version: string };
      console.log(`PyTorch ${torch.version} (CPU, 1 thread)         ${fmt(torch.ms)}  (wasm takes ${ratio(results.wasmProject, torch.ms)} as long)`);
    } else {
      console.log(`PyTorch reference not run: ${(py.stderr || py.error?.message || 'no output').trim().split('\n').at(-1)}`);
    }
  }

  await kernelTable();
}

/** Each gradient kernel against the forward convolution of the same shape, on wasm. */
async function kernelTable(): Promise<void> {
  console.log(`\nwasm kernels alone (batch ${B}), median CPU ms; ratio = kernel / forward conv of the same shape`);
  const shapes: Array<[string, number, number, number, number, number]> = [
    // label, side, k, cin, cout, stride
    ['3×3 s1', S, 3, C, C, 1],
    ['3×3 s2', S, 3, C, 2 * C, 2],
    ['1×1 s2', S, 1, C, 2 * C, 2],
    ['7×7 s2 stem', S, 7, 3, C, 2],
  ];
  for (const [label, side, k, cin, cout, stride] of shapes) {
    const x = tf.randomNormal([B, side, side, cin]) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, cin, cout]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, stride, 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const fwd = timeMs(ITERS, () => [tf.conv2d(x, w, stride, 'same')]);
    const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC' };
    const dW = timeMs(ITERS, () => [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor]);
    const dX = timeMs(ITERS, () => [tf.conv2dTranspose(dy, w, x.shape, stride, 'same')]);
    console.log(
      `${label.padEnd(12)} x[${x.shape}] forward ${fmt(fwd)}  dW ${fmt(dW)} (${ratio(dW, fwd)})  dx ${fmt(dX)} (${ratio(dX, fwd)})`,
    );
    tf.dispose([x, w, y, dy]);
  }
}

await main();
