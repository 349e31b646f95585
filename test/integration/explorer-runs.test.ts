// How the explorer finds a run's encoder (real folders, a real catalogue): no checkpoint
// yet, a kept epoch that does not exist, a random encoder, a checkpoint file that changed
// (its stamp changes, so stored rows are not reused), a run whose folder was removed.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { resolveEncoder, type ExplorerRun } from '../../main/services/explorer/run-encoder.ts';
import { SqlExplorerRuns } from '../../main/services/explorer/run-lookup.ts';
import { epochCheckpointPath, lastCheckpointPath } from '../../worker/simclr/checkpoint.ts';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let db: Db;
const config = resolveTrainConfig({ imageSize: 16, width: 0.125, seed: 4 });

before(async () => {
  tmp = await createTempDir('simclr-explorer-runs-');
  db = openDatabase(path.join(tmp.path, 'studio.sqlite'));
});
after(async () => {
  db.close();
  await tmp.remove();
});

function run(runDir: string): ExplorerRun {
  return { runId: 5, datasetId: 1, datasetRoot: tmp.path, runDir, config };
}

test('no checkpoint yet, or no checkpoint for that epoch: refused, naming the file', async () => {
  const runDir = path.join(tmp.path, 'run-empty');
  await fs.mkdir(runDir);
  await assert.rejects(resolveEncoder(run(runDir), 'trained', 'last'), (e: Error) => e.name === 'ExplorerError' && e.message === `run 5 has no checkpoint yet (${lastCheckpointPath(runDir)}): train it for at least one epoch, then explore`);
  await assert.rejects(resolveEncoder(run(runDir), 'trained', 3), /run 5 has no checkpoint for epoch 3 \(.*epoch-0003\.ckpt\)/);
  // A random encoder needs no checkpoint: the run's architecture and seed.
  const random = await resolveEncoder(run(runDir), 'random', 'last');
  assert.deepEqual(random.source, { kind: 'random', config });
  assert.equal(random.stamp, 'random:4');
});

test('a rewritten checkpoint gets another stamp', async () => {
  const runDir = path.join(tmp.path, 'run-ckpt');
  await fs.mkdir(path.dirname(lastCheckpointPath(runDir)), { recursive: true });
  await fs.writeFile(lastCheckpointPath(runDir), 'first');
  await fs.writeFile(epochCheckpointPath(runDir, 2), 'epoch two');
  const first = await resolveEncoder(run(runDir), 'trained', 'last');
  assert.deepEqual(first.source, { kind: 'checkpoint', path: lastCheckpointPath(runDir) });
  assert.deepEqual((await resolveEncoder(run(runDir), 'trained', 2)).source, { kind: 'checkpoint', path: epochCheckpointPath(runDir, 2) });
  await fs.writeFile(lastCheckpointPath(runDir), 'second, longer');
  assert.notEqual((await resolveEncoder(run(runDir), 'trained', 'last')).stamp, first.stamp);
});

test('runs are read from the experiments tables; a removed folder or an unknown run is refused clearly', () => {
  const datasetId = Number(db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES (?, 'photos', 'ready', 'now')").run(tmp.path).lastInsertRowid);
  const experimentId = Number(
    db.prepare("INSERT INTO experiments (dataset_id, dataset_name, name, config_json, created_at, updated_at) VALUES (?, 'photos', 'e', ?, 'now', 'now')").run(datasetId, JSON.stringify(config)).lastInsertRowid,
  );
  const runId = Number(db.prepare("INSERT INTO runs (experiment_id, status, run_dir, epochs, queued_at) VALUES (?, 'done', '/runs/1', 1, 'now')").run(experimentId).lastInsertRowid);
  const runs = new SqlExplorerRuns(db);
  assert.deepEqual(runs.get(runId), { runId, datasetId, datasetRoot: tmp.path, runDir: '/runs/1', config });
  assert.throws(() => runs.get(runId + 100), /run \d+ does not exist/);
  db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
  assert.throws(() => runs.get(runId), /the folder 'photos' that run \d+ trained on was removed from the library: add it again to explore this run/);
});
