// Training from the app through the real studio: real SQLite in a temp data dir, real
// scanned folders, the real worker thread on wasm, tiny configs. Start → progress events
// → done with metrics stored; presets; frozen config; a queue of two runs; pause, resume,
// cancel; refusals before queueing; an image broken after the scan (named in the run's
// log); a failing job with
// the next run still working; delete an experiment (its files, never the images).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunProgress, RunStatus, RunStatusChange, TrainConfigInput } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

const TINY: TrainConfigInput = { ...TINY_RUN_CONFIG, epochs: 2, seed: 1 };

let tmp: TempDir;
let studio: Studio;
let datasetId: number;
let imagesFolder: string;
const statuses: RunStatusChange[] = [];
const progress: RunProgress[] = [];

/** Resolves when run `runId` reaches `status` (or at once if it already did). */
function waitForStatus(runId: number, status: RunStatus): Promise<RunStatusChange> {
  const seen = statuses.find((s) => s.runId === runId && s.status === status);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const off = studio.events.on('runStatusChanged', (change) => {
      if (change.runId === runId && change.status === status) {
        off();
        resolve(change);
      }
    });
  });
}

function waitForStep(runId: number, step: number): Promise<void> {
  if (progress.some((p) => p.runId === runId && p.step >= step)) return Promise.resolve();
  return new Promise((resolve) => {
    const off = studio.events.on('runProgress', (p) => {
      if (p.runId === runId && p.step >= step) {
        off();
        resolve();
      }
    });
  });
}

async function folderDigest(folder: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of (await fs.readdir(folder, { recursive: true, withFileTypes: true })).sort((a, b) => (a.parentPath + a.name < b.parentPath + b.name ? -1 : 1))) {
    if (entry.isFile()) hash.update(entry.name).update(await fs.readFile(path.join(entry.parentPath, entry.name)));
  }
  return hash.digest('hex');
}

async function addFolder(name: string, classes: Record<string, number>): Promise<{ id: number; folder: string }> {
  const folder = path.join(tmp.path, name);
  await writeLabelledFolder(folder, { classes, size: 20, seedOffset: name.length * 100 });
  const scan = await studio.api.addDataset({ path: folder });
  return { id: scan.datasetId, folder };
}

before(async () => {
  tmp = await createTempDir('simclr-training-');
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 50 });
  studio.events.on('runStatusChanged', (s) => statuses.push(s));
  studio.events.on('runProgress', (p) => progress.push(p));
  const added = await addFolder('images', { a: 4, b: 4 });
  datasetId = added.id;
  imagesFolder = added.folder;
});

after(async () => {
  await studio.close();
  await tmp.remove();
});

describe('training from the app', () => {
  test('runtime info names the backend and how to get a faster one', async () => {
    const info = await studio.api.getRuntimeInfo({});
    assert.equal(info.backend, 'wasm');
    assert.equal(info.gpu, false);
    assert.match(info.hint ?? '', /tfjs-node-gpu/);
    // This studio asks for wasm itself, so no better backend was tried and none is explained.
    assert.deepEqual(info.reasons, []);
  });

  test('presets fit the dataset and the backend, with reasons, and are accepted as they are', async () => {
    const suggestions = await studio.api.suggestPresets({ datasetId });
    assert.equal(suggestions.imageCount, 8);
    assert.equal(suggestions.medianWidth, 20);
    assert.deepEqual(suggestions.presets.map((p) => p.id), ['quick', 'balanced', 'best']);
    for (const preset of suggestions.presets) {
      assert.ok(preset.config.batchSize! <= 8, `${preset.id}: batch ${preset.config.batchSize} fits 8 images`);
      assert.ok(preset.config.imageSize! <= 20, `${preset.id}: no upscaling of 20 px images`);
      assert.ok(preset.reasons.some((r) => /small/.test(r)), `${preset.id} explains the small-image choice`);
      const created = await studio.api.createExperiment({ datasetId, name: `preset ${preset.id}`, config: preset.config as Record<string, unknown> });
      assert.equal(created.config.augment.blurP, 0, 'small images: no blur');
      await studio.api.deleteExperiment({ experimentId: created.id });
    }
    const best = suggestions.presets.find((p) => p.id === 'best')!;
    assert.equal(best.suitable, false);
    assert.match(best.warning ?? '', /GPU/);
    assert.equal(suggestions.presets[0]!.suitable, true);
  });

  test('an invalid config is refused naming the field', async () => {
    await assert.rejects(studio.api.createExperiment({ datasetId, name: 'bad', config: { batchSize: 1 } }), /batchSize: a batch needs at least two images/);
    await assert.rejects(studio.api.createExperiment({ datasetId: 999, name: 'nowhere', config: {} }), /no dataset with id 999/);
  });

  test('start → progress events → done; metrics, checkpoints and the encoder are stored', async () => {
    const experiment = await studio.api.createExperiment({ datasetId, name: 'first', config: TINY as Record<string, unknown>, notes: 'n' });
    assert.equal(experiment.configEditable, true);
    const run = await studio.api.startRun({ experimentId: experiment.id });
    assert.equal(run.status, 'queued');
    const done = await waitForStatus(run.id, 'done');
    assert.match(done.reason ?? '', /trained 2 epochs \(4 steps\)/);
    const ownProgress = progress.filter((p) => p.runId === run.id);
    assert.ok(ownProgress.length >= 2, 'several progress events');
    const streamed = ownProgress.flatMap((p) => p.steps.map((s) => s.step));
    assert.deepEqual(streamed, [1, 2, 3, 4], 'every step reached the renderer once, in order');
    assert.equal(ownProgress.at(-1)!.step, 4);
    assert.ok(ownProgress.some((p) => p.epochDone?.epoch === 2));

    const metrics = await studio.api.getRunMetrics({ runId: run.id });
    assert.deepEqual(metrics.steps.map((s) => s.step), [1, 2, 3, 4]);
    assert.ok(metrics.steps.every((s) => Number.isFinite(s.loss) && s.loss > 0));
    assert.deepEqual(metrics.epochs.map((e) => e.epoch), [1, 2]);
    assert.deepEqual((await studio.api.getRunMetrics({ runId: run.id, afterStep: 3 })).steps.map((s) => s.step), [4]);

    const detail = await studio.api.getExperiment({ experimentId: experiment.id });
    const stored = detail.runs[0]!;
    assert.equal(stored.status, 'done');
    assert.equal(stored.backend, 'wasm');
    assert.equal(stored.step, 4);
    assert.equal(stored.epoch, 2);
    assert.ok(stored.trainingSeconds > 0);
    assert.ok(stored.startedAt && stored.finishedAt);
    assert.ok(stored.checkpoints.some((c) => c.path.endsWith('last.ckpt') && c.step === 4));
    await fs.access(path.join(path.dirname(path.dirname(stored.checkpoints[0]!.path)), 'encoder', 'model.json'));
    assert.equal(detail.configEditable, false);
    assert.equal(detail.lastRunStatus, 'done');
  });

  test('the config of an experiment with a run is refused; name and notes change', async () => {
    const [experiment] = await studio.api.listExperiments({ datasetId });
    await assert.rejects(studio.api.updateExperiment({ experimentId: experiment!.id, config: { ...TINY, epochs: 3 } as Record<string, unknown> }), /cannot change/);
    const renamed = await studio.api.updateExperiment({ experimentId: experiment!.id, name: 'renamed', notes: 'better' });
    assert.equal(renamed.name, 'renamed');
    assert.equal(renamed.notes, 'better');
    assert.equal(renamed.config.epochs, 2);
  });

  test('two runs started at once are queued and run one after the other', async () => {
    const a = await studio.api.createExperiment({ datasetId, name: 'queue a', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const b = await studio.api.createExperiment({ datasetId, name: 'queue b', config: { ...TINY, epochs: 1, seed: 2 } as Record<string, unknown> });
    const [runA, runB] = await Promise.all([studio.api.startRun({ experimentId: a.id }), studio.api.startRun({ experimentId: b.id })]);
    await waitForStatus(runB.id, 'done');
    const order = statuses.filter((s) => s.runId === runA.id || s.runId === runB.id).map((s) => `${s.runId === runA.id ? 'a' : 'b'} ${s.status}`);
    assert.deepEqual(order.filter((o) => o.startsWith('a')), ['a queued', 'a running', 'a done']);
    assert.deepEqual(order.filter((o) => o.startsWith('b')), ['b queued', 'b running', 'b done']);
    assert.ok(order.indexOf('b queued') < order.indexOf('a done'), 'b waited in the queue while a ran');
    assert.ok(order.indexOf('a done') < order.indexOf('b running'), 'b started only after a finished');
  });

  test('pause holds a run, resume continues it, cancel stops it with a checkpoint', async () => {
    const experiment = await studio.api.createExperiment({ datasetId, name: 'control', config: { ...TINY, epochs: 6 } as Record<string, unknown> });
    const run = await studio.api.startRun({ experimentId: experiment.id });
    await waitForStep(run.id, 1);
    const held = new Promise<RunProgress>((resolve) => studio.events.on('runProgress', (p) => p.runId === run.id && p.phase === 'paused' && resolve(p)));
    const paused = await studio.api.pauseRun({ runId: run.id });
    assert.equal(paused.status, 'paused');
    const heldAt = (await held).step; // the step in flight has finished; the worker now holds
    // Main may not have heard of the last finished step yet, and one more may be in flight.
    assert.ok(heldAt <= paused.step + 2, `at most the steps in flight ran after pauseRun (${paused.step} → ${heldAt})`);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!.step, heldAt, 'no step while paused');
    assert.equal((await studio.api.resumeRun({ runId: run.id })).status, 'running');
    await waitForStep(run.id, heldAt + 1);
    const cancelled = await studio.api.cancelRun({ runId: run.id });
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.reason ?? '', /cancelled at step \d+\/12/);
    assert.ok(cancelled.step < 12);
    assert.equal(cancelled.resumable, true, 'cancel saved a checkpoint');
    await assert.rejects(studio.api.pauseRun({ runId: run.id }), /cannot pause: it is cancelled/);
    await assert.rejects(studio.api.pauseRun({ runId: 99_999 }), /There is no run with id 99999/);
    await assert.rejects(studio.api.getRunMetrics({ runId: 99_999 }), /There is no run with id 99999/);

    // Resume continues the same run from the checkpoint to the end.
    // A double click queues it once.
    const [once, twice] = await Promise.allSettled([studio.api.startRun({ experimentId: experiment.id, resume: true }), studio.api.startRun({ experimentId: experiment.id, resume: true })]);
    assert.equal(once.status, 'fulfilled');
    assert.equal(twice.status, 'rejected');
    assert.match(String((twice as PromiseRejectedResult).reason), /already queued to resume/);
    const resumed = (once as PromiseFulfilledResult<Awaited<ReturnType<typeof studio.api.startRun>>>).value;
    assert.equal(resumed.id, run.id);
    assert.equal(resumed.resumeCount, 1);
    await waitForStatus(run.id, 'done');
    const steps = (await studio.api.getRunMetrics({ runId: run.id })).steps.map((s) => s.step);
    assert.deepEqual(steps, Array.from({ length: 12 }, (_, i) => i + 1), 'each step stored once across cancel and resume');
  });

  test('a queued run can be cancelled before it starts', async () => {
    const a = await studio.api.createExperiment({ datasetId, name: 'busy', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const b = await studio.api.createExperiment({ datasetId, name: 'waiting', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const runA = await studio.api.startRun({ experimentId: a.id });
    const runB = await studio.api.startRun({ experimentId: b.id });
    const cancelled = await studio.api.cancelRun({ runId: runB.id });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.reason, 'cancelled before it started');
    assert.equal(cancelled.resumable, false);
    await waitForStatus(runA.id, 'done');
    assert.ok(!statuses.some((s) => s.runId === runB.id && s.status === 'running'));
  });

  test('a run paused while queued starts paused and waits for resume', async () => {
    const a = await studio.api.createExperiment({ datasetId, name: 'first in line', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const b = await studio.api.createExperiment({ datasetId, name: 'paused in line', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const runA = await studio.api.startRun({ experimentId: a.id });
    const runB = await studio.api.startRun({ experimentId: b.id });
    assert.equal((await studio.api.pauseRun({ runId: runB.id })).status, 'paused');
    await waitForStatus(runA.id, 'done');
    await new Promise((r) => setTimeout(r, 500));
    const held = (await studio.api.getExperiment({ experimentId: b.id })).runs[0]!;
    assert.equal(held.status, 'paused');
    assert.equal(held.step, 0, 'no step while paused');
    assert.equal((await studio.api.resumeRun({ runId: runB.id })).status, 'running');
    await waitForStatus(runB.id, 'done');
  });

  test('refused before queueing: fewer than two images, a missing folder, a batch larger than the dataset', async () => {
    const one = await addFolder('one', { x: 1 });
    const e1 = await studio.api.createExperiment({ datasetId: one.id, name: 'one image', config: { ...TINY, batchSize: 2 } as Record<string, unknown> });
    await assert.rejects(studio.api.startRun({ experimentId: e1.id }), /at least 2 usable images/);
    assert.equal((await studio.api.getExperiment({ experimentId: e1.id })).runs.length, 0, 'nothing was queued');

    const gone = await addFolder('gone', { y: 4 });
    const e2 = await studio.api.createExperiment({ datasetId: gone.id, name: 'gone', config: TINY as Record<string, unknown> });
    await fs.rename(gone.folder, `${gone.folder}-moved`);
    await assert.rejects(studio.api.startRun({ experimentId: e2.id }), /is missing/);
    await fs.rename(`${gone.folder}-moved`, gone.folder);

    const e3 = await studio.api.createExperiment({ datasetId, name: 'too big', config: { ...TINY, batchSize: 16 } as Record<string, unknown> });
    await assert.rejects(studio.api.startRun({ experimentId: e3.id }), /batch size 16 is larger than the 8 images/);
  });

  test('an image broken after the scan is skipped and reported, by name in the run log too; the run completes', async () => {
    const broken = await addFolder('broken', { p: 5 });
    const victim = path.join(broken.folder, 'p', 'p-2.png');
    await fs.writeFile(victim, 'this is no longer an image');
    const experiment = await studio.api.createExperiment({ datasetId: broken.id, name: 'broken', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const run = await studio.api.startRun({ experimentId: experiment.id });
    await waitForStatus(run.id, 'done');
    const stored = (await studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
    assert.equal(stored.skipped.length, 1);
    assert.equal(stored.skipped[0]!.path, 'p/p-2.png');
    assert.match(stored.skipped[0]!.reason, /not an image/);
    // The worker's own lines reach the run's log (the runProgress events the monitor reads), in order.
    const log = progress.filter((p) => p.runId === run.id).flatMap((p) => p.log);
    const skippedLine = log.find((line) => line.message.startsWith('skipped p/p-2.png: '));
    assert.ok(skippedLine, `a line names the skipped image, among ${JSON.stringify(log)}`);
    assert.equal(skippedLine.level, 'warn');
    assert.equal(skippedLine.message, `skipped p/p-2.png: ${stored.skipped[0]!.reason}`);
    const messages = log.map((line) => line.message);
    const lineAt = (pattern: RegExp) => messages.findIndex((m) => pattern.test(m));
    assert.equal(lineAt(/^training on wasm: @tensorflow\/tfjs-backend-wasm/), 0, 'first, the backend it trains on');
    const checkpoint = lineAt(/^checkpoint written: .*last\.ckpt \(epoch 1, step 1\)$/);
    assert.ok(checkpoint > messages.indexOf(skippedLine.message), `a checkpoint line after the skip, among ${JSON.stringify(messages)}`);
    assert.equal(lineAt(/^encoder written to .*encoder$/), messages.length - 1, 'last, the exported encoder');
  });

  test('a job that fails in the worker marks the run failed with its message; the next run works', async () => {
    const shrinking = await addFolder('shrinking', { s: 4 });
    const experiment = await studio.api.createExperiment({ datasetId: shrinking.id, name: 'shrinking', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    await fs.rm(path.join(shrinking.folder, 's', 's-0.png')); // vanished after the scan: 3 left for a batch of 4
    const run = await studio.api.startRun({ experimentId: experiment.id });
    const failed = await waitForStatus(run.id, 'failed');
    assert.match(failed.reason ?? '', /batch size 4 is larger than the 3 usable images/);
    const stored = (await studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
    assert.equal(stored.skipped[0]?.path, 's/s-0.png');
    const next = await studio.api.createExperiment({ datasetId, name: 'after failure', config: { ...TINY, epochs: 1 } as Record<string, unknown> });
    const nextRun = await studio.api.startRun({ experimentId: next.id });
    await waitForStatus(nextRun.id, 'done');
    assert.equal((await studio.api.getRuntimeInfo({})).workerRestarts, 0, 'the same worker ran it');
  });

  test('augmentation preview: pairs of views of real images as PNG data URLs, same seed same views', async () => {
    const preview = await studio.api.previewAugmentations({ datasetId, count: 3, seed: 5, config: { imageSize: 16 } });
    assert.equal(preview.pairs.length, 3);
    for (const pair of preview.pairs) {
      assert.match(pair.views[0], /^data:image\/png;base64,/);
      assert.notEqual(pair.views[0], pair.views[1]);
      assert.match(pair.source, /^[ab]\/[ab]-\d\.png$/);
    }
    const again = await studio.api.previewAugmentations({ datasetId, count: 3, seed: 5, config: { imageSize: 16 } });
    assert.deepEqual(again, preview);
    const other = await studio.api.previewAugmentations({ datasetId, count: 3, seed: 6, config: { imageSize: 16 } });
    assert.notDeepEqual(other.pairs.map((p) => p.views), preview.pairs.map((p) => p.views));
  });

  test('deleting an experiment removes its runs and files, never the images; refused while a run is active', async () => {
    const before = await folderDigest(imagesFolder);
    const experiment = await studio.api.createExperiment({ datasetId, name: 'to delete', config: { ...TINY, epochs: 4 } as Record<string, unknown> });
    const run = await studio.api.startRun({ experimentId: experiment.id });
    await assert.rejects(studio.api.deleteExperiment({ experimentId: experiment.id }), /cannot be deleted while its run/);
    await studio.api.cancelRun({ runId: run.id });
    const runDir = path.join(studio.dataDir, 'experiments', String(experiment.id));
    await studio.api.deleteExperiment({ experimentId: experiment.id });
    await assert.rejects(fs.access(runDir), /ENOENT/);
    await assert.rejects(studio.api.getExperiment({ experimentId: experiment.id }), /no experiment with id/);
    await assert.rejects(studio.api.getRunMetrics({ runId: run.id }), /no run with id/);
    assert.equal(await folderDigest(imagesFolder), before, 'the images are untouched');
  });
});
