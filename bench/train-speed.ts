// Benchmark: training speed (images/s) of SimCLR Studio's default small configuration
// (resolveTrainConfig({}): ResNet-18 ×0.25, CIFAR stem, 32 px, batch 32, LARS, τ 0.5) on
// each TF.js backend that runs here, side by side with PyTorch (Debian's python3-torch)
// on the identical network, batch and image size (bench/reference/simclr_step.py),
// printed as ratios in one run.
//
// Two numbers per backend: the trainer's full step (augmentPair on the backend +
// trainStep), and trainStep alone (what the PyTorch reference times). Each is given as
// wall-clock images/s and as CPU-time images/s (process CPU time; the fair number on a
// machine shared with other work, since wasm and the 1-thread PyTorch use one core).
// The cpu backend is so slow that it runs one step without warm-up by default.
// OpenMP's spinning makes PyTorch with 2 threads look bad on a busy 2-core machine: read
// its row only on an idle one.
//
// Measured (2026-11-29, 2-core VM shared with other work; CPU-time images/s):
//   default config, batch 32:  wasm 13.6 (augment + step), 13.8 (step only);
//                              PyTorch 1.13 1 thread 61.7  → wasm 4.5× slower
//   same network, batch 4:     cpu 0.038, wasm 6.8, PyTorch 1 thread 43.8
//                              → wasm 6.5× slower, tfjs cpu ≈ 1100× slower
//   The augmentation (on the backend) costs < 2 % of a step.
//
//   node_modules/.bin/node bench/train-speed.ts [--backends wasm,cpu] [--steps 5]
//       [--cpu-steps 1] [--batch-size 32] [--image-size 32] [--width 0.25]
//       [--python /usr/bin/python3]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BackendName, selectBackend } from '../worker/backend.ts';
import { sourceSideFor } from '../worker/data/source-size.ts';
import { augmentPair } from '../worker/simclr/augment.ts';
import { resolveTrainConfig } from '../worker/simclr/config.ts';
import { trainStep } from '../worker/simclr/train-step.ts';
import { createSession, disposeSession } from '../worker/simclr/trainer-session.ts';

const { values: flags } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    steps: { type: 'string', default: '5' },
    'cpu-steps': { type: 'string', default: '1' },
    'batch-size': { type: 'string' },
    'image-size': { type: 'string' },
    width: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const config = resolveTrainConfig({
  ...(flags['batch-size'] ? { batchSize: Number(flags['batch-size']) } : {}),
  ...(flags['image-size'] ? { imageSize: Number(flags['image-size']) } : {}),
  ...(flags.width ? { width: Number(flags.width) } : {}),
});
const B = config.batchSize;
const S = config.imageSize;

interface Speed {
  wall: number;
  cpu: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(backend: BackendName, steps: number, warmup: boolean): Promise<{ full: Speed; stepOnly: Speed; detail: string }> {
  const choice = await selectBackend(backend, () => {});
  const tf = choice.tf;
  const session = createSession(config);
  const side = sourceSideFor(S);
  const pixels = new Int32Array(B * side * side * 3).map((_, i) => (i * 2654435761) % 256);
  const images = tf.tensor4d(pixels, [B, side, side, 3], 'int32'); // [B, H0, W0, 3]
  const full = { wall: [] as number[], cpu: [] as number[] };
  const only = { wall: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < steps + (warmup ? 1 : 0); i++) {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const views = augmentPair(images, config.augment, S, session.rng); // 2 × [B, S, S, 3]
    await views[1].data(); // make sure the augmentation really ran before timing the step
    const t1 = performance.now();
    const c1 = cpuSeconds();
    trainStep({ ...session, step: i, stepsPerEpoch: 100 }, views);
    const t2 = performance.now();
    const c2 = cpuSeconds();
    tf.dispose(views);
    if (warmup && i === 0) continue;
    full.wall.push((t2 - t0) / 1000);
    full.cpu.push(c2 - c0);
    only.wall.push((t2 - t1) / 1000);
    only.cpu.push(c2 - c1);
  }
  images.dispose();
  disposeSession(session);
  const speed = (s: { wall: number[]; cpu: number[] }) => ({ wall: B / median(s.wall), cpu: B / median(s.cpu) });
  return { full: speed(full), stepOnly: speed(only), detail: choice.detail };
}

function pytorch(threads: number): Speed | undefined {
  try {
    const out = execFileSync(
      flags.python,
      [path.join(import.meta.dirname, 'reference', 'simclr_step.py'), '--batch', String(B), '--size', String(S), '--width', String(config.width), '--threads', String(threads), '--steps', flags.steps],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as { images_per_s: number; cpu_images_per_s: number; torch: string };
    console.log(`pytorch ${r.torch}, ${threads} thread(s)`);
    return { wall: r.images_per_s, cpu: r.cpu_images_per_s };
  } catch (error) {
    console.log(`pytorch: not run (${(error as Error).message.split('\n')[0]}); install Debian's python3-torch`);
    return undefined;
  }
}

console.log(`config: ${config.backbone} ×${config.width}, ${config.stem} stem, ${S} px, batch ${B}, ${config.optimizer}; steps timed: ${flags.steps} (cpu: ${flags['cpu-steps']})`);
const rows: [string, Speed][] = [];
for (const backend of flags.backends.split(',') as BackendName[]) {
  const isCpu = backend === 'cpu';
  const r = await measure(backend, Number(isCpu ? flags['cpu-steps'] : flags.steps), !isCpu);
  console.log(`${backend}: ${r.detail}`);
  rows.push([`${backend} (augment + step)`, r.full], [`${backend} (step only)`, r.stepOnly]);
}
const torch1 = pytorch(1);
const torch2 = pytorch(2);
if (torch1) rows.push(['pytorch 1 thread (step only)', torch1]);
if (torch2) rows.push(['pytorch 2 threads (step only)', torch2]);

const fmt = (x: number) => (x >= 1 ? x.toFixed(2) : x.toPrecision(2)).padStart(9);
console.log(`\n${'images/s'.padEnd(32)}${'wall'.padStart(9)}${'cpu-time'.padStart(10)}${torch1 ? '   ÷ pytorch 1 thread (cpu-time)' : ''}`);
for (const [name, s] of rows) {
  const ratio = torch1 ? `   ${(s.cpu / torch1.cpu).toFixed(3)}× (${(torch1.cpu / s.cpu).toFixed(1)}× slower)` : '';
  console.log(`${name.padEnd(32)}${fmt(s.wall)}${fmt(s.cpu)} ${ratio}`);
}
