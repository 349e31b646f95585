// Seams between training, the worker and the explorer, through the studio's API with the
// REAL worker thread and real SQLite (wasm, 16 px, width 0.125, batch 4, 10 images):
// - the worker's log lines (backend choice) reach the studio's onWorkerLog;
// - a dropped-image query runs while a training run holds the worker (paused);
// - deleting an experiment deletes its embedding files and leaves the images as they were.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunStatus, RunStatusChange } from '../../main/api/contract.ts';
import type { WorkerLogLine } from '../../main/services/experiments/compose.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

const TINY = { ...TINY_RUN_CONFIG, seed: 1 };

let tmp: TempDir;
let studio: Studio;
let folder: string;
let datasetId: number;
const workerLog: WorkerLogLine[] = [];
const statuses: RunStatusChange[] = [];

/** sha256 of every file under `root`, by relative path. */
async function hashTree(root: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    hashes.set(path.relative(root, file), createHash('sha256').update(await fs.readFile(file)).digest('hex'));
  }
  return hashes;
}

/** Polls the recorded status changes until run `runId` reaches one of `wanted`. */
async function waitFor(runId: number, ...wanted: RunStatus[]): Promise<RunStatusChange> {
  for (;;) {
    const found = statuses.find((s) => s.runId === runId && wanted.includes(s.status));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function trainedRun(name: string): Promise<{ experimentId: number; runId: number }> {
  const experiment = await studio.api.createExperiment({ datasetId, name, config: TINY });
  const run = await studio.api.startRun({ experimentId: experiment.id });
  assert.equal((await waitFor(run.id, 'done', 'failed', 'cancelled')).status, 'done');
  return { experimentId: experiment.id, runId: run.id };
}

before(async () => {
  tmp = await createTempDir('simclr-seams-');
  folder = path.join(tmp.path, 'photos');
  await writeLabelledFolder(folder, { classes: { red: 5, blue: 5 }, size: 20 });
  studio = await createStudio({
    dataDir: path.join(tmp.path, 'data'),
    transport: 'web',
    thumbnailsAfterScan: false,
    imageWorker: false,
    trainingBackend: 'wasm',
    onWorkerLog: (line) => workerLog.push(line),
  });
  studio.events.on('runStatusChanged', (change) => statuses.push(change));
  datasetId = (await studio.api.addDataset({ path: folder })).datasetId;
});

after(async () => {
  await studio?.close();
  await tmp.remove();
});

describe('seams between training, the worker and the explorer', () => {
  let kept: { experimentId: number; runId: number };
  let keptSetId: number;

  test('the worker says which backend it chose, and the line reaches onWorkerLog', async () => {
    kept = await trainedRun('kept');
    const choice = workerLog.find((line) => /^backend: using wasm/.test(line.message));
    assert.ok(choice, `a backend line among: ${JSON.stringify(workerLog)}`);
    assert.equal(choice.jobId, null, 'the backend choice is not about a job');
    assert.equal(choice.level, 'info');
  });

  test('a dropped-image query is answered while a training run holds the worker (paused)', { timeout: 120_000 }, async () => {
    keptSetId = (await studio.api.computeEmbeddings({ runId: kept.runId })).id;
    const long = await studio.api.createExperiment({ datasetId, name: 'long', config: { ...TINY, epochs: 500 } });
    const run = await studio.api.startRun({ experimentId: long.id });
    // Paused at once (while queued or running): the train job holds the worker's queue until resumed.
    await studio.api.pauseRun({ runId: run.id });
    // Before the fix the query was queued behind this run and never answered while it was paused.
    const bytes = await fs.readFile(path.join(folder, 'red', 'red-1.png'));
    const result = await studio.api.findNeighboursOfFile({ setId: keptSetId, bytesBase64: bytes.toString('base64'), name: 'dropped.png', k: 1 });
    assert.equal(result.neighbours[0]!.relPath, 'red/red-1.png');
    const during = (await studio.api.getExperiment({ experimentId: long.id })).runs[0]!;
    assert.equal(during.status, 'paused', 'the run was still holding the worker when the query was answered');
    await studio.api.cancelRun({ runId: run.id });
    assert.equal((await waitFor(run.id, 'cancelled', 'failed', 'done')).status, 'cancelled');
  });

  test('deleting an experiment deletes its embedding files; other sets and the images stay', async () => {
    const imagesBefore = await hashTree(folder);
    const doomed = await trainedRun('doomed');
    await studio.api.computeEmbeddings({ runId: doomed.runId });
    await studio.api.computeEmbeddings({ runId: doomed.runId, encoder: 'random' });
    const embeddingsDir = path.join(studio.dataDir, 'embeddings');
    const listed = async () => (await fs.readdir(embeddingsDir)).filter((name) => name.endsWith('.f32')).sort();
    const withBoth = await listed();
    const doomedSets = (await studio.api.listEmbeddingSets({ runId: doomed.runId })).map((s) => s.id);
    assert.equal(doomedSets.length, 2);
    const doomedFiles = withBoth.filter((name) => doomedSets.some((id) => name.startsWith(`set-${id}-`)));
    assert.equal(doomedFiles.length, 2, `the doomed run's two set files among ${withBoth.join(', ')}`);

    await studio.api.deleteExperiment({ experimentId: doomed.experimentId });

    const left = await listed();
    assert.deepEqual(left, withBoth.filter((name) => !doomedFiles.includes(name)), 'only the deleted runs\' files went');
    assert.ok(left.some((name) => name.startsWith(`set-${keptSetId}-`)), 'the other experiment\'s set file is still there');
    await assert.rejects(fs.stat(path.join(studio.dataDir, 'experiments', String(doomed.experimentId))), { code: 'ENOENT' });
    // The other experiment's set still answers from its file.
    const still = await studio.api.getNeighbours({ setId: keptSetId, imageId: (await studio.api.listImages({ datasetId, offset: 0, limit: 1 })).images[0]!.id, k: 2 });
    assert.equal(still.neighbours.length, 2);
    assert.deepEqual(await hashTree(folder), imagesBefore, 'every image byte-identical, none added or removed');
  });
});
