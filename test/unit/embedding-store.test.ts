// The explorer's storage: float32 files read back bit-exact, and the SQLite index of
// sets and rows (migration 0003) on a real database file — reuse, staleness after a
// content change, one transaction per generation.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { EmbeddingCatalogue } from '../../main/services/explorer/embedding-catalogue.ts';
import { EmbeddingFiles } from '../../main/services/explorer/embedding-files.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let dir: TempDir;
let db: Db;
let runId: number;
let datasetId: number;
let imageIds: number[];

before(async () => {
  dir = await createTempDir('simclr-embstore-');
  db = openDatabase(path.join(dir.path, 'studio.sqlite'));
  // The rows the explorer hangs off: a dataset with three images, an experiment, a run.
  datasetId = Number(db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/d', 'd', 'ready', 'now')").run().lastInsertRowid);
  imageIds = ['a/1.png', 'a/2.png', 'b/3.png'].map((rel, i) =>
    Number(
      db
        .prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, content_hash, width, height, format, status) VALUES (?, ?, 1, 0, ?, 8, 8, 'png', 'ok')")
        .run(datasetId, rel, `hash${i}`).lastInsertRowid,
    ),
  );
  const experimentId = Number(db.prepare("INSERT INTO experiments (dataset_id, dataset_name, name, config_json, created_at, updated_at) VALUES (?, 'd', 'e', '{}', 'now', 'now')").run(datasetId).lastInsertRowid);
  runId = Number(db.prepare("INSERT INTO runs (experiment_id, status, run_dir, epochs, queued_at) VALUES (?, 'done', '/r', 1, 'now')").run(experimentId).lastInsertRowid);
});
after(async () => {
  db.close();
  await dir.remove();
});

test('embedding files read back bit-exact, including -0, NaN payloads, subnormals and infinities', async () => {
  const files = new EmbeddingFiles(dir.path);
  const bits = Uint32Array.of(0x80000000, 0x7fc00001, 0x00000001, 0x7f800000, 0xff800000, 0x3f800000, 0x12345678, 0xdeadbeef);
  const data = new Float32Array(bits.buffer);
  const name = files.newName(1);
  await files.write(name, data);
  const back = await files.read(name, 4);
  assert.equal(back.rows, 2);
  assert.deepEqual(new Uint32Array(back.data.buffer), bits);
  // A file that is not a whole number of rows is refused by name.
  await assert.rejects(files.read(name, 3), /is damaged \(32 bytes is not a whole number of 3-value rows\)/);
  await assert.rejects(files.read('set-9-missing.f32', 4), /is missing: compute the embeddings again/);
  // Only unreferenced files of the app's own pattern are removed, and only old ones
  // (another process may be about to commit a fresh one).
  await fs.writeFile(path.join(files.dir, 'notes.txt'), 'mine');
  await files.removeUnreferenced(new Set());
  assert.deepEqual((await fs.readdir(files.dir)).sort(), ['notes.txt', name].sort());
  await files.removeUnreferenced(new Set(), 0);
  assert.deepEqual(await fs.readdir(files.dir), ['notes.txt']);

  // Cached projections live and die with their generation.
  const generation = files.newName(2);
  await files.write(generation, data);
  const xyName = files.projectionName(generation, 'umap', 7, 'abcd');
  const xy = Float32Array.of(0.5, -1, 1, 0.25);
  await files.writeProjection(xyName, xy);
  assert.deepEqual(await files.readProjection(xyName, 2), xy);
  assert.equal(await files.readProjection(xyName, 3), undefined); // another number of points: not this cache
  await files.removeUnreferenced(new Set([generation]), 0);
  assert.deepEqual((await fs.readdir(files.dir)).sort(), [generation, xyName, 'notes.txt'].sort());
  await files.remove(generation);
  assert.deepEqual(await fs.readdir(files.dir), ['notes.txt']);
});

test('sets are unique per run, encoder and checkpoint; rows commit together; changed content is stale, never served', () => {
  const catalogue = new EmbeddingCatalogue(db);
  const set = catalogue.findOrCreate(runId, datasetId, 'trained', 'last');
  assert.equal(catalogue.findOrCreate(runId, datasetId, 'trained', 'last').id, set.id);
  assert.notEqual(catalogue.findOrCreate(runId, datasetId, 'random', 'last').id, set.id);
  assert.notEqual(catalogue.findOrCreate(runId, datasetId, 'trained', 3).id, set.id);
  assert.equal(catalogue.summary(set.id).status, 'computing');

  catalogue.commitGeneration(set.id, {
    checkpointStep: 7,
    checkpointStamp: 's1',
    dim: 4,
    file: 'set-1-a.f32',
    rows: [
      { imageId: imageIds[0]!, contentHash: 'hash0', row: 0 },
      { imageId: imageIds[1]!, contentHash: 'hash1', reason: 'not an image' },
      { imageId: imageIds[2]!, contentHash: 'hash2', row: 1 },
    ],
  });
  let summary = catalogue.summary(set.id);
  assert.deepEqual({ status: summary.status, count: summary.count, stale: summary.staleCount, skipped: summary.skippedCount, dim: summary.dim, step: summary.checkpointStep }, { status: 'ready', count: 2, stale: 0, skipped: 1, dim: 4, step: 7 });
  assert.deepEqual(catalogue.freshRows(set.id).map((r) => [r.relPath, r.row]), [['a/1.png', 0], ['b/3.png', 1]]);

  // A re-scan found new content for b/3.png and a new image c/4.png.
  db.prepare("UPDATE images SET content_hash = 'hash2b' WHERE id = ?").run(imageIds[2]!);
  db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, content_hash, width, height, format, status) VALUES (?, 'c/4.png', 1, 0, 'hash3', 8, 8, 'png', 'ok')").run(datasetId);
  summary = catalogue.summary(set.id);
  assert.equal(summary.status, 'stale');
  assert.equal(summary.staleCount, 2);
  assert.equal(summary.count, 1);
  assert.deepEqual(catalogue.freshRows(set.id).map((r) => r.relPath), ['a/1.png']);
  // Reusable entries: the unchanged image and the remembered unreadable one, not the changed one.
  assert.deepEqual(catalogue.reusableEntries(set.id).map((r) => r.imageId).sort(), [imageIds[0]!, imageIds[1]!].sort());

  // A failing generation (a row pointing at an image that does not exist) leaves the previous one intact.
  assert.throws(() => catalogue.commitGeneration(set.id, { checkpointStep: 8, checkpointStamp: 's2', dim: 4, file: 'set-1-b.f32', rows: [{ imageId: 999_999, contentHash: 'x', row: 0 }] }));
  assert.equal(catalogue.get(set.id)!.file, 'set-1-a.f32');
  assert.deepEqual(catalogue.freshRows(set.id).map((r) => r.relPath), ['a/1.png']);

  assert.deepEqual(catalogue.listByRun(runId).map((s) => s.encoder), ['trained', 'random', 'trained']);
  // A process that stopped mid-computation: the set with a generation is usable again, the others failed.
  catalogue.setStatus(set.id, 'computing');
  catalogue.markInterrupted('interrupted');
  assert.deepEqual(catalogue.listByRun(runId).map((s) => [s.status, s.error]), [['stale', 'interrupted'], ['failed', 'interrupted'], ['failed', 'interrupted']]);
  assert.deepEqual([...catalogue.referencedFiles()], ['set-1-a.f32']);
});
