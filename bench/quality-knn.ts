// Benchmark: does a short SimCLR pretraining on the CPU learn something? On a small
// labelled folder of REAL images, kNN top-1 (and the linear probe) of the pretrained
// encoder's h against a random-initialised encoder of the same architecture.
//
// Data: Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando; MIT licence) — real
// photographs of clothing, 28×28 grayscale, 10 classes — as Debian ships it offline in
// the package `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist, IDX files).
// A balanced subset is written as PNG files into class folders in a temp dir, so the
// whole real pipeline runs: sharp decode (grayscale → RGB), pixel cache, augmentations,
// trainer, embedding, evaluation.
//
// Measured (2026-11-29, 2-core shared VM, wasm backend, defaults below: 400 train /
// 200 test images, ResNet-18 ×0.125 at 16 px, batch 64, 30 epochs = 180 LARS steps,
// 22 min wall on a busy machine):
//                          kNN top-1 (k=10)   linear probe
//   random-init encoder        32.0 %            47.0 %
//   SimCLR-pretrained          70.5 %            68.0 %      (chance 10 %)
//
//   apt-get install dataset-fashion-mnist
//   node_modules/.bin/node bench/quality-knn.ts [--train-per-class 40] [--test-per-class 20]
//       [--epochs 30] [--image-size 16] [--width 0.125] [--batch-size 64] [--k 10]
//       [--backend wasm] [--seed 0]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { type BackendName, selectBackend } from '../worker/backend.ts';
import { openFolderDataset } from '../worker/data/open-folder.ts';
import { evaluateEncoder } from '../worker/eval.ts';
import { resolveTrainConfig } from '../worker/simclr/config.ts';
import { createEncoder } from '../worker/simclr/model.ts';
import { createSession, disposeSession } from '../worker/simclr/trainer-session.ts';
import { trainRun } from '../worker/simclr/trainer.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';
const CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

const { values: flags } = parseArgs({
  options: {
    'train-per-class': { type: 'string', default: '40' },
    'test-per-class': { type: 'string', default: '20' },
    epochs: { type: 'string', default: '30' },
    'image-size': { type: 'string', default: '16' },
    width: { type: 'string', default: '0.125' },
    'batch-size': { type: 'string', default: '64' },
    k: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '0' },
  },
});

/** IDX (LeCun's MNIST format): big-endian magic, dims, then uint8 data. */
async function readIdx(file: string): Promise<{ dims: number[]; data: Uint8Array }> {
  const bytes = gunzipSync(await fs.readFile(file));
  const rank = bytes[3]!;
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + 4 + 4 * rank) };
}

/** Writes the first `perClass` images of each class of a split as PNGs in class folders. */
async function writeSplit(split: 'train' | 't10k', dir: string, perClass: number): Promise<void> {
  const images = await readIdx(path.join(FASHION, `${split}-images-idx3-ubyte.gz`));
  const labels = await readIdx(path.join(FASHION, `${split}-labels-idx1-ubyte.gz`));
  const [, h, w] = images.dims as [number, number, number];
  const written = new Array(CLASSES.length).fill(0);
  for (let i = 0; i < labels.data.length && written.some((n) => n < perClass); i++) {
    const c = labels.data[i]!;
    if (written[c] >= perClass) continue;
    const pixels = images.data.subarray(i * h * w, (i + 1) * h * w);
    const file = path.join(dir, CLASSES[c]!, `${split}-${i}.png`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 1 } }).png().toFile(file);
    written[c]++;
  }
}

try {
  await fs.access(path.join(FASHION, 'train-images-idx3-ubyte.gz'));
} catch {
  console.error(`Fashion-MNIST not found in ${FASHION}: install Debian's dataset-fashion-mnist`);
  process.exit(1);
}
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-quality-'));
try {
  const trainDir = path.join(root, 'train');
  const testDir = path.join(root, 'test');
  await writeSplit('train', trainDir, Number(flags['train-per-class']));
  await writeSplit('t10k', testDir, Number(flags['test-per-class']));
  const config = resolveTrainConfig({
    imageSize: Number(flags['image-size']),
    width: Number(flags.width),
    batchSize: Number(flags['batch-size']),
    epochs: Number(flags.epochs),
    seed: Number(flags.seed),
  });
  const { tf, detail } = await selectBackend(flags.backend as BackendName, () => {});
  const open = (dir: string) => openFolderDataset(dir, { imageSize: config.imageSize, cacheDir: path.join(root, 'cache') });
  const train = await open(trainDir);
  const test = await open(testDir);
  console.log(`Fashion-MNIST subset: ${train.size} train / ${test.size} test images, ${CLASSES.length} classes; backend ${detail}`);
  console.log(`config: ${config.backbone} ×${config.width}, ${config.imageSize} px, batch ${config.batchSize}, ${config.epochs} epochs, ${config.optimizer} lr ${config.lr.toFixed(3)}, τ ${config.temperature}`);

  const k = Number(flags.k);
  const evaluate = async (encoder: import('@tensorflow/tfjs').LayersModel) => ({
    knn: (await evaluateEncoder(tf, encoder, config.imageSize, train, test, { method: 'knn', k })).top1,
    linear: (await evaluateEncoder(tf, encoder, config.imageSize, train, test, { method: 'linear' })).top1,
  });

  const random = createEncoder(config);
  const baseline = await evaluate(random);
  random.dispose();

  const session = createSession(config);
  const started = performance.now();
  const outcome = await trainRun({
    tf,
    backend: flags.backend!,
    session,
    dataset: train,
    runDir: path.join(root, 'run'),
    onEpoch: (m) => {
      if (m.epoch % 5 === 0 || m.epoch === m.epochs) console.log(`  epoch ${m.epoch}/${m.epochs}: loss ${m.meanLoss.toFixed(3)}, in-batch accuracy ${m.meanAccuracy.toFixed(3)}`);
    },
  });
  const minutes = (performance.now() - started) / 60000;
  const trained = await evaluate(session.encoder);
  disposeSession(session);

  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  console.log(`\npretraining: ${outcome.status}, ${outcome.steps} steps in ${minutes.toFixed(1)} min (${outcome.imagesPerSecond.toFixed(1)} images/s wall)`);
  console.log(`${''.padEnd(22)}${'kNN top-1'.padStart(10)}${'linear'.padStart(9)}   (k = ${k}, chance ${pct(1 / CLASSES.length).trim()})`);
  console.log(`${'random-init encoder'.padEnd(22)}${pct(baseline.knn).padStart(10)}${pct(baseline.linear).padStart(9)}`);
  console.log(`${'SimCLR-pretrained'.padEnd(22)}${pct(trained.knn).padStart(10)}${pct(trained.linear).padStart(9)}`);
  console.log(`lift: kNN ${((trained.knn - baseline.knn) * 100).toFixed(1)} points, linear ${((trained.linear - baseline.linear) * 100).toFixed(1)} points`);
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
