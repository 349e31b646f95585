// The exported encoder (TF.js LayersModel folder written by our file IOHandler) loads
// with tf.loadLayersModel on the cpu backend and gives the same h; a run's checkpoint
// restores the same weights into a fresh encoder.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportLayersModel, loadExportedLayersModel } from '../../worker/export/layers-model.ts';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, restoreModelWeights, storeModelWeights } from '../../worker/simclr/checkpoint.ts';
import { createEncoder } from '../../worker/simclr/model.ts';
import { configDifferences } from '../../worker/simclr/trainer-resume.ts';
import { createSession, disposeSession, encoderFromCheckpoint, sessionCheckpoint } from '../../worker/simclr/trainer-session.ts';

let dir: string;
before(async () => {
  await tf.setBackend('cpu');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-export-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const config = resolveTrainConfig({ imageSize: 8, width: 0.125, batchSize: 2, seed: 5 });

test('the exported LayersModel loads on cpu and gives the same h', async () => {
  const encoder = createEncoder(config);
  // Non-trivial batch-norm statistics, so inference mode differs from a fresh model.
  encoder.setWeights(encoder.getWeights().map((w, i) => tf.tidy(() => tf.add(w, tf.mul(tf.randomUniform(w.shape, 0, 0.1, 'float32', i), 1)))));
  const x = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 11);
  const expected = (encoder.predict(x) as tf.Tensor).arraySync() as number[][];
  await exportLayersModel(encoder, path.join(dir, 'enc'));
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'enc', 'model.json'), 'utf8'));
  assert.deepEqual(manifest.weightsManifest[0].paths, ['./weights.bin']);
  const loaded = await loadExportedLayersModel(tf, path.join(dir, 'enc'));
  const actual = (loaded.predict(x) as tf.Tensor).arraySync() as number[][];
  assert.equal(actual.length, 3);
  assert.equal(actual[0]!.length, expected[0]!.length);
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-5)));
  await assert.rejects(loadExportedLayersModel(tf, path.join(dir, 'missing')), /cannot read model .*missing/);
});

test('a checkpoint restores the encoder exactly and refuses another architecture', () => {
  const session = createSession(config);
  const checkpoint = decodeCheckpoint(encodeCheckpoint(sessionCheckpoint(tf, session, { dataset: { fingerprint: 'f', size: 4 }, backend: 'cpu' })), 'mem.ckpt');
  const restored = encoderFromCheckpoint(tf, checkpoint, 'mem.ckpt');
  const a = storeModelWeights(session.encoder);
  const b = storeModelWeights(restored);
  assert.deepEqual(b.map((t) => t.name), a.map((t) => t.name));
  b.forEach((t, i) => assert.deepEqual(t.data, a[i]!.data));
  const wider = createEncoder({ ...config, width: 0.25 });
  assert.throws(() => restoreModelWeights(tf, wider, checkpoint.tensors.encoder, 'mem.ckpt'), (e: Error) => e instanceof CheckpointError && /mem.ckpt: weight 0 \(stem_conv\/kernel\) has shape/.test(e.message));
  wider.dispose();
  restored.dispose();
  disposeSession(session);
});

test('config differences name nested fields', () => {
  const a = resolveTrainConfig({ imageSize: 16 });
  const b = resolveTrainConfig({ imageSize: 16, temperature: 0.2, augment: { blurP: 0.5 } });
  assert.deepEqual(configDifferences(a, b), ['augment.blurP', 'temperature']);
  assert.deepEqual(configDifferences(a, resolveTrainConfig({ imageSize: 16 })), []);
});
