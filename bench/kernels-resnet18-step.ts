// Benchmark: one forward + backward step of a whole ResNet-18 (CIFAR stem, width
// multiplier 0.25 → 16/32/64/128 channels, batch norm in training mode) at the default
// small configuration (32×32 images, batch 32) on the wasm backend:
//   - with every project kernel (worker/kernels),
//   - with only the kernels wasm lacks (Conv2DBackpropFilter, depthwise backprops) and
//     wasm's own Conv2DBackpropInput, Tile, Sum and Mean,
// printing CPU ms per step, images/s, and where the time goes (top-level kernels, CPU
// ms), and PyTorch on the identical network (bench/reference/kernels_resnet18_step.py)
// when Debian's python3-torch is installed. A stand-in for the real model
// (worker/simclr/model.ts), to see the kernels' share of a step.
//
//   node_modules/.bin/node bench/kernels-resnet18-step.ts [--batch 32] [--size 32] [--steps 3] [--no-torch]
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
    steps: { type: 'string', default: '3' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const B = Number(flags.batch);
const S = Number(flags.size);
const STEPS = Number(flags.steps);
for (const [name, v] of Object.entries({ batch: B, size: S, steps: STEPS })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
}
const WIDTHS = [16, 32, 64, 128];

type Weights = Record<string, tf.Tensor>;

function makeWeights(): Weights {
  const w: Weights = {};
  let seed = 1;
  const conv = (name: string, k: number, cin: number, cout: number) => {
    w[name] = tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin)), 'float32', seed++);
    w[`g${name}`] = tf.ones([cout]);
    w[`b${name}`] = tf.zeros([cout]);
  };
  conv('stem', 3, 3, WIDTHS[0]!);
  let cin = WIDTHS[0]!;
  WIDTHS.forEach((c, stage) => {
    for (let block = 0; block < 2; block++) {
      const p = `s${stage}b${block}`;
      conv(`${p}c1`, 3, cin, c);
      conv(`${p}c2`, 3, c, c);
      if (cin !== c) conv(`${p}sc`, 1, cin, c);
      cin = c;
    }
  });
  return w;
}

function convBn(x: tf.Tensor4D, w: Weights, name: string, stride: number): tf.Tensor4D {
  const y = tf.conv2d(x, w[name] as tf.Tensor4D, stride, 'same');
  const { mean, variance } = tf.moments(y, [0, 1, 2]); // [C]
  return tf.batchNorm(y, mean, variance, w[`b${name}`] as tf.Tensor1D, w[`g${name}`] as tf.Tensor1D, 1e-5) as tf.Tensor4D;
}

/** ResNet-18 body → h [B, 128] → a scalar (the loss head is not what is measured here). */
function loss(x: tf.Tensor4D, w: Weights): tf.Scalar {
  let h = tf.relu(convBn(x, w, 'stem', 1)) as tf.Tensor4D; // [B, S, S, 16]
  WIDTHS.forEach((_, stage) => {
    for (let block = 0; block < 2; block++) {
      const p = `s${stage}b${block}`;
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const branch = convBn(tf.relu(convBn(h, w, `${p}c1`, stride)), w, `${p}c2`, 1);
      const shortcut = w[`${p}sc`] ? convBn(h, w, `${p}sc`, stride) : h;
      h = tf.relu(tf.add(branch, shortcut)) as tf.Tensor4D;
    }
  });
  return h.mean([1, 2]).square().mean() as tf.Scalar; // [B, 128] → scalar
}

function step(x: tf.Tensor4D, w: Weights): void {
  const names = Object.keys(w);
  const grads = tf.tidy(() => tf.grads((...ws: tf.Tensor[]) => loss(x, Object.fromEntries(names.map((n, i) => [n, ws[i]!]))))(names.map((n) => w[n]!)));
  for (const g of grads) g.dataSync();
  tf.dispose(grads);
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

/** Median CPU ms per step, after one warm-up step. */
function measure(x: tf.Tensor4D, w: Weights): number {
  step(x, w);
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const start = process.cpuUsage();
    step(x, w);
    times.push(cpuMs(start));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** CPU ms per top-level kernel over one step (kernels called by kernels count once). */
function breakdown(x: tf.Tensor4D, w: Weights): Array<[string, number, number]> {
  const totals = new Map<string, [number, number]>();
  const originals = tf.getKernelsForBackend('wasm').map((config) => [config, config.kernelFunc] as const);
  let depth = 0;
  for (const [config, original] of originals) {
    config.kernelFunc = (args) => {
      depth++;
      const start = process.cpuUsage();
      try {
        return original(args);
      } finally {
        depth--;
        if (depth === 0) {
          const [ms, n] = totals.get(config.kernelName) ?? [0, 0];
          totals.set(config.kernelName, [ms + cpuMs(start), n + 1]);
        }
      }
    };
  }
  try {
    step(x, w);
  } finally {
    for (const [config, original] of originals) config.kernelFunc = original;
  }
  return [...totals].map(([name, [ms, n]]) => [name, ms, n] as [string, number, number]).sort((a, b) => b[1] - a[1]);
}

await tf.setBackend('wasm');
const native = new Map(['Conv2DBackpropInput', 'Tile', 'Sum', 'Mean'].map((name) => [name, tf.getKernel(name, 'wasm')!]));
registerWasmTrainingKernels(tf);
const x = tf.randomNormal([B, S, S, 3], 0, 1, 'float32', 99) as tf.Tensor4D;
const w = makeWeights();
console.log(`ResNet-18 (CIFAR stem, width 0.25), ${S}×${S}, batch ${B}, wasm 1 thread; median CPU ms per fwd+bwd step`);

const ours = measure(x, w);
console.log(`all project kernels          ${ours.toFixed(0)} ms  ${((B * 1000) / ours).toFixed(1)} images/s`);
const table = breakdown(x, w);

for (const config of native.values()) {
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}
const missingOnly = measure(x, w);
console.log(`only the missing kernels     ${missingOnly.toFixed(0)} ms  ${((B * 1000) / missingOnly).toFixed(1)} images/s  (${(missingOnly / ours).toFixed(2)}× as long)`);
for (const name of native.keys()) tf.unregisterKernel(name, 'wasm');
registerWasmTrainingKernels(tf);

if (!flags['no-torch']) {
  // Debian's python3-torch is installed for the system interpreter, which a pyenv or
  // venv `python3` on PATH does not see; $PYTHON overrides.
  const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const script = fileURLToPath(new URL('./reference/kernels_resnet18_step.py', import.meta.url));
  const py = spawnSync(python, [script, '--batch', String(B), '--size', String(S), '--steps', String(STEPS)], { encoding: 'utf8' });
  const last = py.stdout?.trim().split('\n').at(-1) ?? '';
  if (py.status === 0 && last.startsWith('{')) {
    const torch = JSON.parse(last) as { ms: number; version: string };
    console.log(`PyTorch ${torch.version}, 1 thread     ${torch.ms.toFixed(0)} ms  ${((B * 1000) / torch.ms).toFixed(1)} images/s  (wasm takes ${(ours / torch.ms).toFixed(2)}× as long)`);
  } else {
    console.log(`PyTorch reference not run: ${(py.stderr || py.error?.message || 'no output').trim().split('\n').at(-1)}`);
  }
}

console.log('\nwhere a step goes with all project kernels (top-level kernels, CPU ms):');
for (const [name, ms, n] of table.slice(0, 15)) console.log(`  ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  ${String(n).padStart(4)} calls`);
