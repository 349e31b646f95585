// Faults of training from the app, with the real worker and real SQLite: a worker thread
// that dies mid-run (the run fails with the reason, a new worker takes the next run and
// the renderer is told), a loss that becomes NaN (failed with the engine's message, the
// last good checkpoint kept), and quitting mid-run (the run saves a checkpoint, shows as
// interrupted on the next start and resumes from it).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExperimentsEvents, RunStatus, RunStatusChange, WorkerStatus } from '../../main/api/contract.ts';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { createExperimentsPart, type ExperimentsPart } from '../../main/services/experiments/compose.ts';
import { Catalogue } from '../../main/services/library/catalogue.ts';
import { createInProcessImageTasks } from '../../main/services/library/image-tasks.ts';
import { LibraryService } from '../../main/services/library/library-service.ts';
import { createStudio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

const TINY = { ...TINY_RUN_CONFIG, seed: 1 };

let tmp: TempDir;
let folder: string;

before(async () => {
  tmp = await createTempDir('simclr-training-faults-');
  folder = path.join(tmp.path, 'images');
  await writeLabelledFolder(folder, { classes: { a: 4, b: 4 }, size: 20 });
});

after(async () => {
  await tmp.remove();
});

/** The experiments part on its own SQLite file and library, recording its events. */
async function openPart(dataDir: string) {
  await mkdir(dataDir, { recursive: true });
  const db: Db = openDatabase(path.join(dataDir, 'studio.sqlite'));
  const library = new LibraryService(new Catalogue(db), createInProcessImageTasks());
  const statuses: RunStatusChange[] = [];
  const workerEvents: WorkerStatus[] = [];
  const part: ExperimentsPart = createExperimentsPart({
    db,
    dataDir,
    datasets: library,
    backend: 'wasm',
    progressIntervalMs: 20,
    emit: <K extends keyof ExperimentsEvents>(name: K, payload: ExperimentsEvents[K]) => {
      if (name === 'runStatusChanged') statuses.push(payload as RunStatusChange);
      if (name === 'workerStatus') workerEvents.push(payload as WorkerStatus);
    },
  });
  const { datasetId } = await library.addFolder(folder);
  /** Polls until run `runId` reaches one of `wanted` (a run always ends, so this ends). */
  const waitFor = async (runId: number, ...wanted: RunStatus[]): Promise<RunStatusChange> => {
    for (;;) {
      const found = statuses.find((s) => s.runId === runId && wanted.includes(s.status));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  // From now on every metrics insert fails as a full disk would (SQLite raises; runs rows still update).
  const fillDisk = () => db.exec("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON run_metrics BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  const close = async () => {
    await part.close();
    db.close();
  };
  return { part, datasetId, statuses, workerEvents, waitFor, fillDisk, close };
}

describe('training faults', () => {
  test('a worker that dies mid-run fails the run with the reason; the next run gets a new worker', async () => {
    const { part, datasetId, workerEvents, waitFor, close } = await openPart(path.join(tmp.path, 'data-kill'));
    try {
      const experiment = part.experiments.create({ datasetId, name: 'killed', notes: '', config: { ...TINY, epochs: 20 } });
      const run = await part.training.startRun(experiment.id, false);
      await waitFor(run.id, 'running', 'failed', 'done');
      await part.host.terminateWorker('the worker was stopped by the test');
      const failed = await waitFor(run.id, 'failed', 'done');
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason ?? '', /stopped by the test/);
      const stopped = part.experiments.get(experiment.id).runs[0]!;
      assert.deepEqual([stopped.status, stopped.diverged], ['failed', false], 'a failure that is not a divergence is not marked diverged');

      const next = part.experiments.create({ datasetId, name: 'after', notes: '', config: TINY });
      const nextRun = await part.training.startRun(next.id, false);
      assert.equal((await waitFor(nextRun.id, 'done', 'failed')).status, 'done');
      assert.equal(part.host.restarts, 1);
      assert.ok(workerEvents.some((e) => e.state === 'restarted' && /stopped by the test/.test(e.message ?? '')), 'the renderer is told the worker was replaced');
      assert.equal(workerEvents.filter((e) => e.state === 'ready').length, 2);
    } finally {
      await close();
    }
  });

  test('a catalogue that cannot be written any more stops the run as failed, saying so; the app keeps running', async () => {
    const { part, datasetId, waitFor, fillDisk, close } = await openPart(path.join(tmp.path, 'data-full'));
    try {
      const experiment = part.experiments.create({ datasetId, name: 'full', notes: '', config: { ...TINY, epochs: 20 } });
      const run = await part.training.startRun(experiment.id, false);
      await waitFor(run.id, 'running', 'failed', 'done');
      fillDisk();
      const failed = await waitFor(run.id, 'failed', 'done');
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason ?? '', /progress could not be saved in the catalogue \(database or disk is full\); the run was stopped, its last checkpoint is intact/);
      assert.equal(part.training.busy, false);
    } finally {
      await close();
    }
  });

  test('a loss that becomes NaN fails the run with the engine message', async () => {
    const { part, datasetId, waitFor, close } = await openPart(path.join(tmp.path, 'data-nan'));
    try {
      // An absurd learning rate overflows the weights within a few steps.
      const experiment = part.experiments.create({ datasetId, name: 'diverges', notes: '', config: { ...TINY, epochs: 30, optimizer: 'sgd', lr: 1e30, warmupEpochs: 0 } });
      const run = await part.training.startRun(experiment.id, false);
      const failed = await waitFor(run.id, 'failed', 'done');
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason ?? '', /the loss became (NaN|Infinity|-Infinity) at step \d+; training stopped and the update was not applied/);
    } finally {
      await close();
    }
  });

  test('a second studio on the same data folder leaves the first one\'s run alone and does not train beside it', async () => {
    const dataDir = path.join(tmp.path, 'data-shared');
    const first = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 20 });
    const second = { studio: undefined as Awaited<ReturnType<typeof createStudio>> | undefined };
    try {
      const { datasetId } = await first.api.addDataset({ path: folder });
      const experiment = await first.api.createExperiment({ datasetId, name: 'owned', config: { ...TINY, epochs: 4 } });
      const run = await first.api.startRun({ experimentId: experiment.id });
      await new Promise<void>((resolve) => first.events.on('runProgress', (p) => p.step >= 1 && resolve()));
      second.studio = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm' });
      const seen = (await second.studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
      assert.notEqual(seen.status, 'interrupted', 'the newcomer did not take the live run for a crashed one');
      await assert.rejects(second.studio.api.startRun({ experimentId: experiment.id }), /Another SimCLR Studio window or process is training from this data folder/);
      await first.close();
      // The owner is gone: the second studio takes over and can resume the run.
      const done = new Promise<RunStatusChange>((resolve) => second.studio!.events.on('runStatusChanged', (s) => s.runId === run.id && (s.status === 'done' || s.status === 'failed') && resolve(s)));
      const resumed = await second.studio.api.startRun({ experimentId: experiment.id, resume: true });
      assert.equal(resumed.id, run.id);
      assert.equal((await done).status, 'done');
    } finally {
      await first.close();
      await second.studio?.close();
    }
  });

  test('quitting mid-run saves a checkpoint; the next start shows the run interrupted and resumes it', async () => {
    const dataDir = path.join(tmp.path, 'data-quit');
    const first = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 20 });
    const { datasetId } = await first.api.addDataset({ path: folder });
    const experiment = await first.api.createExperiment({ datasetId, name: 'quit', config: { ...TINY, epochs: 4 } });
    const run = await first.api.startRun({ experimentId: experiment.id });
    await new Promise<void>((resolve) => first.events.on('runProgress', (p) => p.step >= 3 && resolve()));
    await first.close();

    const second = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 20 });
    try {
      const stopped = (await second.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
      assert.equal(stopped.status, 'interrupted');
      assert.match(stopped.reason ?? '', /the app was closed; cancelled at step \d+\/8/);
      assert.equal(stopped.resumable, true);
      const savedAt = stopped.checkpoints[0]!.step;
      assert.ok(savedAt >= 3, `checkpoint at the step it stopped (${savedAt}), not only at an epoch end`);
      const done = new Promise<RunStatusChange>((resolve) => second.events.on('runStatusChanged', (s) => s.runId === run.id && (s.status === 'done' || s.status === 'failed') && resolve(s)));
      await second.api.startRun({ experimentId: experiment.id, resume: true });
      assert.equal((await done).status, 'done');
      const steps = (await second.api.getRunMetrics({ runId: run.id })).steps.map((s) => s.step);
      assert.deepEqual(steps, Array.from({ length: 8 }, (_, i) => i + 1));
    } finally {
      await second.close();
    }
  });
});
