// The training loop end to end on the wasm backend (with the project's training
// kernels; tfjs's pure-JS cpu backend takes ~15 s a step even at this size) with real files: no tensor leak across
// steps, resume follows the same trajectory, cancel/pause between steps, divergence keeps
// the last good checkpoint.
import type * as tfjs from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { selectBackend } from '../../worker/backend.ts';
import { openFolderDataset } from '../../worker/data/open-folder.ts';
import type { ImageDataset } from '../../worker/data/dataset.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import { lastCheckpointPath, readCheckpoint } from '../../worker/simclr/checkpoint.ts';
import { TrainController } from '../../worker/simclr/trainer-control.ts';
import { isOutOfMemory, outOfMemoryError } from '../../worker/simclr/trainer-errors.ts';
import { createSession, disposeSession, restoreSession, type TrainingSession } from '../../worker/simclr/trainer-session.ts';
import { trainRun, type TrainRunOptions } from '../../worker/simclr/trainer.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

let tf: typeof tfjs;
let root: string;
let dataset: ImageDataset;
const TINY: TrainConfigInput = { ...TINY_RUN_CONFIG, epochs: 2, seed: 3 };

before(async () => {
  tf = (await selectBackend('wasm', () => {})).tf;
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-train-'));
  const images = path.join(root, 'images');
  await fs.mkdir(images);
  // 12 images of 20×20 with varied colours and a stripe: 3 steps of 4 per epoch.
  for (let i = 0; i < 12; i++) {
    const raw = Buffer.alloc(20 * 20 * 3);
    for (let p = 0; p < 400; p++) raw.set(p % 20 < 4 + i ? [i * 20, 200 - i * 15, (p * 7) % 255] : [30, i * 18, 90], p * 3);
    await sharp(raw, { raw: { width: 20, height: 20, channels: 3 } }).png().toFile(path.join(images, `${i}.png`));
  }
  dataset = await openFolderDataset(images, { imageSize: 16, cacheDir: path.join(root, 'cache') });
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function options(session: TrainingSession, runDir: string, extra: Partial<TrainRunOptions> = {}): TrainRunOptions {
  return { tf, backend: 'wasm', session, dataset, runDir: path.join(root, runDir), ...extra };
}

function weightsOf(session: TrainingSession): Float32Array[] {
  return [...session.encoder.getWeights(), ...session.head.getWeights()].map((t) => t.dataSync() as Float32Array);
}

describe('trainer', () => {
  test('does not leak tensors across steps and reports sane metrics', async () => {
    const session = createSession(resolveTrainConfig({ ...TINY, epochs: 1, checkpointEvery: 1 }));
    const counts: number[] = [];
    const losses: number[] = [];
    const outcome = await trainRun(
      options(session, 'leak', {
        onStep: (m) => {
          counts.push(tf.memory().numTensors);
          losses.push(m.loss);
          assert.ok(m.accuracy >= 0 && m.accuracy <= 1 && m.zStd > 0 && m.lr > 0 && m.temperature === 0.5 && m.imagesPerSecond > 0);
        },
      }),
    );
    disposeSession(session);
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.steps, 3);
    assert.equal(counts.length, 3);
    assert.equal(counts[2], counts[0], `numTensors grew: ${counts}`);
    assert.ok(losses.every(Number.isFinite));
    // Each epoch's checkpoint exists and records where the run is.
    const saved = await readCheckpoint(lastCheckpointPath(path.join(root, 'leak')));
    assert.equal(saved.step, 3);
    assert.equal(saved.epoch, 1);
    // checkpointEvery 1: the epoch's own checkpoint is kept beside last.ckpt.
    assert.deepEqual((await fs.readdir(path.join(root, 'leak', 'checkpoints'))).sort(), ['epoch-0001.ckpt', 'last.ckpt']);
  });

  test('2 steps + cancel (checkpoint) + resume + the rest equals the straight run', async () => {
    const config = resolveTrainConfig(TINY);
    const straight = createSession(config);
    const a = await trainRun(options(straight, 'straight'));
    assert.equal(a.status, 'completed');
    assert.equal(a.steps, 6);
    const expected = weightsOf(straight);
    disposeSession(straight);
    // checkpointEvery 10 (default): only last.ckpt after 2 epochs.
    assert.deepEqual(await fs.readdir(path.join(root, 'straight', 'checkpoints')), ['last.ckpt']);

    const first = createSession(config);
    const controller = new TrainController();
    const b1 = await trainRun(options(first, 'resumed', { control: controller, onStep: (m) => m.step === 2 && controller.cancel() }));
    disposeSession(first);
    assert.equal(b1.status, 'cancelled');
    assert.equal(b1.steps, 2);
    const file = lastCheckpointPath(path.join(root, 'resumed'));
    const checkpoint = await readCheckpoint(file);
    assert.deepEqual([checkpoint.step, checkpoint.epoch, checkpoint.stepInEpoch], [2, 0, 2]);

    const second = restoreSession(tf, checkpoint, file);
    const b2 = await trainRun(options(second, 'resumed'));
    assert.equal(b2.status, 'completed');
    assert.equal(b2.steps, 6);
    const actual = weightsOf(second);
    disposeSession(second);
    assert.equal(actual.length, expected.length);
    let worst = 0;
    actual.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i]![j]!)))));
    assert.ok(worst < 1e-5, `largest weight difference ${worst}`);
    // And training really moved the weights (otherwise equality would prove nothing).
    const init = createSession(config);
    const initial = weightsOf(init);
    disposeSession(init);
    assert.ok(initial.some((w, i) => w.some((v, j) => Math.abs(v - expected[i]![j]!) > 1e-4)));
  });

  test('pause holds the loop between steps until resumed', async () => {
    const session = createSession(resolveTrainConfig({ ...TINY, epochs: 1 }));
    const controller = new TrainController();
    let steps = 0;
    let stepsWhilePaused = -1;
    const run = trainRun(
      options(session, 'pause', {
        control: controller,
        onStep: () => {
          steps++;
          if (steps === 1) {
            controller.pause();
            // Let the event loop turn many times (prefetch completes), then look and resume.
            let turns = 0;
            const spin = () => (++turns < 50 ? setImmediate(spin) : ((stepsWhilePaused = steps), controller.resume()));
            setImmediate(spin);
          }
        },
      }),
    );
    const outcome = await run;
    disposeSession(session);
    assert.equal(stepsWhilePaused, 1);
    assert.equal(outcome.status, 'completed');
    assert.equal(steps, 3);
  });

  test('a non-finite loss stops the run, says so and keeps the last good checkpoint', async () => {
    const session = createSession(resolveTrainConfig(TINY));
    const stop = new TrainController();
    const first = await trainRun(options(session, 'nan', { control: stop, onEpoch: () => stop.cancel() }));
    assert.equal(first.status, 'cancelled');
    const file = lastCheckpointPath(path.join(root, 'nan'));
    const good = await fs.readFile(file);
    // Poison one weight, as an exploding update would.
    const poisoned = session.encoder.getWeights().map((w, i) => (i === 0 ? tf.fill(w.shape, Number.NaN) : w.clone()));
    session.encoder.setWeights(poisoned);
    tf.dispose(poisoned);
    const outcome = await trainRun(options(session, 'nan'));
    disposeSession(session);
    assert.equal(outcome.status, 'diverged');
    assert.match(outcome.message, /loss became NaN at step 4/);
    assert.match(outcome.message, new RegExp(`last good checkpoint is ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(step 3\\)`));
    assert.deepEqual(await fs.readFile(file), good);
  });

  test('a disk that fills while a checkpoint is written stops the run with the previous checkpoint intact', async () => {
    const session = createSession(resolveTrainConfig(TINY));
    const stop = new TrainController();
    await trainRun(options(session, 'full', { control: stop, onEpoch: () => stop.cancel() }));
    const file = lastCheckpointPath(path.join(root, 'full'));
    const good = await fs.readFile(file);
    const fullDisk = async (handle: fs.FileHandle, chunk: Uint8Array) => {
      await handle.write(chunk.subarray(0, 1000));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await assert.rejects(
      trainRun(options(session, 'full', { writeChunk: fullDisk })),
      /training stopped at step 6: could not write .*last\.ckpt: ENOSPC.*the previous checkpoint .*last\.ckpt is intact/,
    );
    disposeSession(session);
    assert.deepEqual(await fs.readFile(file), good);
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['last.ckpt']);
  });

  test('refuses a batch larger than the images', async () => {
    const session = createSession(resolveTrainConfig({ ...TINY, batchSize: 16 }));
    await assert.rejects(trainRun(options(session, 'big')), /batch size 16 is larger than the 12 usable images/);
    disposeSession(session);
  });
});

describe('out of memory', () => {
  test('is recognised on each backend and explained with a suggestion', () => {
    assert.ok(isOutOfMemory(new Error('OOM when allocating tensor with shape[64,32,32,64]')));
    assert.ok(isOutOfMemory(new RangeError('Array buffer allocation failed')));
    assert.ok(isOutOfMemory(new Error('RuntimeError: memory access out of bounds')));
    assert.ok(!isOutOfMemory(new Error('shape mismatch')));
    const message = outOfMemoryError('wasm', 64, 96, '/runs/a/checkpoints/last.ckpt', new Error('OOM')).message;
    assert.match(message, /wasm backend ran out of memory.*batch size 64 at image size 96.*smaller batch size \(e\.g\. 32\).*intact \(last: \/runs\/a/);
  });
});
