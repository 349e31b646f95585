// A run whose loss became NaN, through the studio's API with the REAL worker (wasm, 16 px,
// 8 images, an absurd learning rate reached after a first epoch that writes a checkpoint):
// the run fails with the engine's message and what to do; it is NOT resumable although it
// has a checkpoint (the same settings would diverge again), and resume refuses, saying why.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RunStatusChange } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

let tmp: TempDir;
let studio: Studio;
let datasetId: number;

before(async () => {
  tmp = await createTempDir('simclr-seams-diverged-');
  const folder = path.join(tmp.path, 'images');
  await writeLabelledFolder(folder, { classes: { a: 4, b: 4 }, size: 20 });
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, imageWorker: false, trainingBackend: 'wasm', onWorkerLog: () => {} });
  datasetId = (await studio.api.addDataset({ path: folder })).datasetId;
});

after(async () => {
  await studio?.close();
  await tmp.remove();
});

test('a diverged run says to lower the learning rate and cannot be resumed, though it has a checkpoint', async () => {
  // Warm-up over the whole run: the first epoch (2 steps) ends with a checkpoint, then the rate overflows the weights.
  const config = { ...TINY_RUN_CONFIG, epochs: 20, seed: 1, optimizer: 'sgd', lr: 1e30, warmupEpochs: 1000 };
  const experiment = await studio.api.createExperiment({ datasetId, name: 'diverges', config });
  const ended = new Promise<RunStatusChange>((resolve) => studio.events.on('runStatusChanged', (c) => ['done', 'failed', 'cancelled'].includes(c.status) && resolve(c)));
  const run = await studio.api.startRun({ experimentId: experiment.id });
  const change = await ended;
  assert.equal(change.status, 'failed');
  assert.match(change.reason ?? '', /the loss became (NaN|Infinity|-Infinity) at step \d+; training stopped and the update was not applied/);
  assert.match(change.reason ?? '', /start a new experiment \(Duplicate\) with a lower learning rate or a higher temperature/);

  const summary = (await studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
  assert.equal(summary.id, run.id);
  assert.equal(summary.reason, change.reason, 'the monitor shows the same reason as the event');
  assert.ok(summary.checkpoints.length > 0, 'a checkpoint exists, so only the divergence makes it not resumable');
  assert.equal(summary.resumable, false);
  assert.equal(summary.diverged, true, 'marked by its own field, not by the words of its reason');
  await assert.rejects(
    studio.api.startRun({ experimentId: experiment.id, resume: true }),
    (e: Error) => e.name === 'RunRefusedError' && /cannot be resumed: its loss diverged.*lower learning rate/.test(e.message),
  );
  // Nothing was queued by the refusal: still the one failed run.
  const after = (await studio.api.getExperiment({ experimentId: experiment.id })).runs;
  assert.deepEqual(after.map((r) => [r.id, r.status]), [[run.id, 'failed']]);
});
