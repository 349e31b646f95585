// The explorer through the studio's API with the REAL worker thread, on a tiny run
// trained by the app itself (wasm, 16 px, width 0.125, one epoch of 10 images): embedding
// sets, neighbours against a float64 brute force over the exported h, search by a
// dropped file, projections, duplicates, outliers, label accuracy, exports, stale rows
// after a re-scan (only changed images recomputed), the random encoder, cancel.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EmbeddingProgress, EmbeddingSetSummary } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeImage, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

let tmp: TempDir;
let studio: Studio;
let folder: string;
let runId: number;
let set: EmbeddingSetSummary;
const progress: EmbeddingProgress[] = [];
/** relPath → image id in the catalogue. */
const ids = new Map<string, number>();

async function refreshIds(datasetId: number): Promise<void> {
  const page = await studio.api.listImages({ datasetId, offset: 0, limit: 100 });
  for (const image of page.images) ids.set(image.relPath, image.id);
}

function readNpy(bytes: Buffer): { data: Float32Array; rows: number; cols: number } {
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const [, rows, cols] = /'shape': \((\d+), (\d+)\)/.exec(header)!;
  const start = 10 + headerLength;
  return { data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.byteLength)), rows: Number(rows), cols: Number(cols) };
}

before(async () => {
  tmp = await createTempDir('simclr-explorer-');
  folder = path.join(tmp.path, 'photos');
  await writeLabelledFolder(folder, { classes: { red: 5, blue: 5 }, size: 20 });
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, imageWorker: false, trainingBackend: 'wasm' });
  studio.events.on('embeddingProgress', (p) => progress.push(p));
  const scan = await studio.api.addDataset({ path: folder });
  await refreshIds(scan.datasetId);
  const experiment = await studio.api.createExperiment({
    datasetId: scan.datasetId,
    name: 'tiny',
    config: { ...TINY_RUN_CONFIG, seed: 1 },
  });
  const finished = new Promise<string>((resolve) => {
    studio.events.on('runStatusChanged', (change) => {
      if (['done', 'failed', 'cancelled'].includes(change.status)) resolve(`${change.status}: ${change.reason}`);
    });
  });
  runId = (await studio.api.startRun({ experimentId: experiment.id })).id;
  assert.match(await finished, /^done/);
});
after(async () => {
  await studio?.close();
  await tmp.remove();
});

describe('explorer through the studio API', () => {
  test('a checkpoint the run does not have is refused by name', async () => {
    await assert.rejects(studio.api.computeEmbeddings({ runId, checkpoint: 7 }), (e: Error) => e.name === 'ExplorerError' && /has no checkpoint for epoch 7 \(.*epoch-0007\.ckpt\)/.test(e.message));
    await assert.rejects(studio.api.computeEmbeddings({ runId: 9999 }), /run 9999 does not exist/);
  });

  test('computeEmbeddings stores h of every image, with progress', async () => {
    set = await studio.api.computeEmbeddings({ runId });
    assert.equal(set.status, 'ready');
    assert.equal(set.count, 10);
    assert.equal(set.staleCount, 0);
    assert.ok(set.dim > 0);
    assert.ok(set.checkpointStep > 0);
    assert.deepEqual(progress.at(-1)?.phase, 'done');
    assert.ok(progress.some((p) => p.phase === 'embedding' && p.total === 10));
    assert.deepEqual((await studio.api.listEmbeddingSets({ runId })).map((s) => s.id), [set.id]);
  });

  test('neighbours by image id agree with a float64 brute force over the exported h', async () => {
    const npy = path.join(tmp.path, 'h.npy');
    const exported = await studio.api.exportEmbeddings({ setId: set.id, format: 'npy', path: npy });
    assert.deepEqual(exported.files, [npy, path.join(tmp.path, 'h.csv')]);
    const h = readNpy(await fs.readFile(npy));
    assert.deepEqual([h.rows, h.cols], [10, set.dim]);
    const paths = (await fs.readFile(path.join(tmp.path, 'h.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => path.relative(folder, l.split(',')[1]!).split(path.sep).join('/'));
    const vec = (i: number) => Array.from(h.data.subarray(i * h.cols, (i + 1) * h.cols), Number);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0) / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
    for (const query of ['red/red-0.png', 'blue/blue-3.png']) {
      const result = await studio.api.getNeighbours({ setId: set.id, imageId: ids.get(query)!, k: 4 });
      assert.equal(result.query.relPath, query);
      const q = vec(paths.indexOf(query));
      const reference = paths.map((p, i) => ({ p, s: cos(q, vec(i)) })).filter((r) => r.p !== query).sort((a, b) => b.s - a.s).slice(0, 4);
      assert.deepEqual(result.neighbours.map((n) => n.relPath), reference.map((r) => r.p));
      result.neighbours.forEach((n, i) => assert.ok(Math.abs(n.similarity - reference[i]!.s) < 1e-5));
      assert.deepEqual(result.neighbours.map((n) => n.imageId), reference.map((r) => ids.get(r.p)));
    }
    await assert.rejects(studio.api.getNeighbours({ setId: set.id, imageId: 424242, k: 3 }), /image 424242 has no up-to-date embedding/);
  });

  test('a dropped file is embedded on the fly; its own copy is its nearest neighbour; a non-image is refused', async () => {
    const bytes = await fs.readFile(path.join(folder, 'blue', 'blue-2.png'));
    const result = await studio.api.findNeighboursOfFile({ setId: set.id, bytesBase64: bytes.toString('base64'), name: 'dropped.png', k: 3 });
    assert.equal(result.query.name, 'dropped.png');
    assert.equal(result.query.imageId, null);
    assert.equal(result.neighbours[0]!.relPath, 'blue/blue-2.png');
    assert.ok(Math.abs(result.neighbours[0]!.similarity - 1) < 1e-5);
    const byPath = await studio.api.findNeighboursOfFile({ setId: set.id, path: path.join(folder, 'red', 'red-4.png'), k: 1 });
    assert.equal(byPath.neighbours[0]!.relPath, 'red/red-4.png');
    await assert.rejects(
      studio.api.findNeighboursOfFile({ setId: set.id, bytesBase64: Buffer.from('hello, not an image').toString('base64'), name: 'notes.txt', k: 3 }),
      (e: Error) => e.name === 'ExplorerError' && /'notes\.txt' cannot be used as a query: not an image/.test(e.message),
    );
    // The temporary copy of the dropped bytes is gone.
    assert.deepEqual(await fs.readdir(path.join(studio.dataDir, 'tmp')), []);
  });

  test('projections: one point per image with ids and labels in the same order; cached', async () => {
    for (const method of ['pca', 'umap'] as const) {
      const p = await studio.api.getProjection({ setId: set.id, method, seed: 5 });
      assert.equal(p.count, 10);
      assert.equal(p.coordinates.length, 20);
      assert.ok(p.coordinates.every((v) => Number.isFinite(v) && Math.abs(v) <= 1 + 1e-6));
      assert.deepEqual(p.labels, ['blue', 'red']);
      p.relPaths.forEach((rel, i) => {
        assert.equal(p.imageIds[i], ids.get(rel));
        assert.equal(p.labels[p.labelIndex[i]!], rel.split('/')[0]);
      });
      assert.deepEqual(await studio.api.getProjection({ setId: set.id, method, seed: 5 }), p);
    }
    // UMAP coordinates are kept on disk beside the set's file (reopening the map is instant).
    const cached = (await fs.readdir(path.join(studio.dataDir, 'embeddings'))).filter((f) => f.endsWith('.xy'));
    assert.equal(cached.length, 1);
    assert.match(cached[0]!, /^set-\d+-.+\.umap-5-[0-9a-f]{16}\.xy$/);
  });

  test('duplicates, outliers and label accuracy', async () => {
    const all = await studio.api.listDuplicates({ setId: set.id, threshold: -1, limit: 100 });
    assert.equal(all.pairs.length, 45); // every pair of 10 images
    assert.equal(all.truncated, false);
    const top = await studio.api.listDuplicates({ setId: set.id, threshold: -1, limit: 3 });
    assert.deepEqual(top.pairs, all.pairs.slice(0, 3));
    assert.equal(top.truncated, true);
    for (let i = 1; i < all.pairs.length; i++) assert.ok(all.pairs[i - 1]!.similarity >= all.pairs[i]!.similarity);
    const outliers = await studio.api.listOutliers({ setId: set.id, count: 3, k: 2 });
    assert.equal(outliers.length, 3);
    assert.ok(outliers[0]!.kthSimilarity <= outliers[1]!.kthSimilarity && outliers[1]!.kthSimilarity <= outliers[2]!.kthSimilarity);
    const labels = await studio.api.evaluateLabels({ setId: set.id, k: 3 });
    assert.ok(labels.available);
    if (labels.available) {
      assert.equal(labels.count, 10);
      assert.deepEqual(labels.classes.map((c) => [c.label, c.count]), [['blue', 5], ['red', 5]]);
      assert.ok(labels.accuracy >= 0 && labels.accuracy <= 1);
    }
  });

  test('exports: CSV, neighbours, projection, selection (CSV and copies), encoder; bad targets refused', async () => {
    const csv = path.join(tmp.path, 'h-sheet.csv');
    await studio.api.exportEmbeddings({ setId: set.id, format: 'csv', path: csv });
    const lines = (await fs.readFile(csv, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[0]!.split(',').length, 2 + set.dim);

    const nn = path.join(tmp.path, 'nn.json');
    await studio.api.exportNeighbours({ setId: set.id, k: 2, format: 'json', path: nn });
    const lists = JSON.parse(await fs.readFile(nn, 'utf8')) as { path: string; neighbours: { path: string }[] }[];
    assert.equal(lists.length, 10);
    assert.ok(lists.every((l) => l.neighbours.length === 2 && !l.neighbours.some((n) => n.path === l.path)));

    const xy = path.join(tmp.path, 'xy.csv');
    await studio.api.exportProjection({ setId: set.id, method: 'pca', path: xy });
    assert.match((await fs.readFile(xy, 'utf8')).split('\n')[1]!, /photos.blue.blue-0\.png,blue,-?[\d.e-]+,-?[\d.e-]+$/);

    const chosen = [ids.get('red/red-1.png')!, ids.get('blue/blue-0.png')!];
    const list = path.join(tmp.path, 'selection.csv');
    await studio.api.exportSelection({ setId: set.id, imageIds: chosen, format: 'csv', path: list });
    assert.equal((await fs.readFile(list, 'utf8')).trim().split('\n').length, 3);

    const copies = path.join(tmp.path, 'copies');
    const copied = await studio.api.exportSelection({ setId: set.id, imageIds: chosen, copyTo: copies });
    assert.deepEqual(copied.files, [path.join(copies, 'blue', 'blue-0.png'), path.join(copies, 'red', 'red-1.png')]);
    assert.deepEqual(await fs.readFile(copied.files[1]!), await fs.readFile(path.join(folder, 'red', 'red-1.png')));
    await fs.access(path.join(folder, 'red', 'red-1.png')); // copied, not moved
    await assert.rejects(studio.api.exportSelection({ setId: set.id, imageIds: chosen, copyTo: copies }), /the folder is not empty \(2 items\)/);
    await assert.rejects(studio.api.exportSelection({ setId: set.id, imageIds: chosen, copyTo: path.join(tmp.path, 'no', 'such') }), /does not exist/);
    await assert.rejects(studio.api.exportSelection({ setId: set.id, imageIds: [987654], copyTo: path.join(tmp.path, 'c2') }), /1 selected image\(s\) are not in embedding set/);
    if (process.getuid?.() !== 0) {
      // (root writes anywhere, so this refusal can only be seen as another user)
      const locked = path.join(tmp.path, 'locked');
      await fs.mkdir(locked, { mode: 0o555 });
      await assert.rejects(studio.api.exportSelection({ setId: set.id, imageIds: chosen, copyTo: locked }), /cannot write .*locked: permission denied/);
      await fs.chmod(locked, 0o755);
    }

    const model = path.join(tmp.path, 'encoder');
    const encoder = await studio.api.exportEncoder({ runId, path: model });
    assert.deepEqual(encoder.files.map((f) => path.basename(f)), ['model.json', 'weights.bin']);
    await assert.rejects(studio.api.exportEncoder({ runId, path: model }), /the folder is not empty/);
  });

  test('after a re-scan, changed images are stale (not served) and only they are recomputed', async () => {
    // red-1 gets new content; green/g-0 is new.
    await writeImage(path.join(folder, 'red', 'red-1.png'), { width: 20, height: 20, format: 'png', seed: 777 });
    await writeImage(path.join(folder, 'green', 'g-0.png'), { width: 20, height: 20, format: 'png', seed: 778 });
    const scan = await studio.api.rescanDataset({ datasetId: set.datasetId });
    await refreshIds(scan.datasetId);
    const [stale] = await studio.api.listEmbeddingSets({ runId });
    assert.equal(stale!.status, 'stale');
    assert.equal(stale!.staleCount, 2);
    assert.equal(stale!.count, 9);
    await assert.rejects(studio.api.getNeighbours({ setId: set.id, imageId: ids.get('red/red-1.png')!, k: 3 }), /has no up-to-date embedding/);
    const served = await studio.api.getNeighbours({ setId: set.id, imageId: ids.get('red/red-0.png')!, k: 20 });
    assert.equal(served.neighbours.length, 8); // 9 fresh rows minus the query: nothing stale mixed in

    progress.length = 0;
    const refreshed = await studio.api.computeEmbeddings({ runId });
    assert.equal(refreshed.id, set.id);
    assert.equal(refreshed.status, 'ready');
    assert.equal(refreshed.count, 11);
    assert.ok(progress.some((p) => p.phase === 'embedding' && p.total === 2), JSON.stringify(progress));
    const after = await studio.api.getNeighbours({ setId: set.id, imageId: ids.get('red/red-1.png')!, k: 20 });
    assert.equal(after.neighbours.length, 10);
    // One file per set: the previous generation was removed.
    assert.equal((await fs.readdir(path.join(studio.dataDir, 'embeddings'))).length, 1);
  });

  test('cancel stops a computation; the random encoder gets its own set of the same architecture', async () => {
    // The cancel lands before the worker job is queued (compute registers synchronously), so this is deterministic.
    const pending = studio.api.computeEmbeddings({ runId, encoder: 'random' });
    await studio.api.cancelEmbeddings({ runId });
    await assert.rejects(pending, (e: Error) => e.name === 'Cancelled' && /was cancelled/.test(e.message));
    const cancelled = (await studio.api.listEmbeddingSets({ runId })).find((s) => s.encoder === 'random')!;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.count, 0);

    const random = await studio.api.computeEmbeddings({ runId, encoder: 'random' });
    assert.equal(random.id, cancelled.id);
    assert.equal(random.status, 'ready');
    assert.equal(random.count, 11);
    assert.equal(random.checkpointStep, 0);
    assert.equal(random.dim, set.dim);
    // The trained set is untouched by all this.
    assert.equal((await studio.api.listEmbeddingSets({ runId })).find((s) => s.id === set.id)!.count, 11);
    // One computation per set at a time; another set of the same run may run alongside.
    const trained = studio.api.computeEmbeddings({ runId });
    const random2 = studio.api.computeEmbeddings({ runId, encoder: 'random' });
    await assert.rejects(studio.api.computeEmbeddings({ runId }), /already being computed/);
    assert.equal((await trained).status, 'ready');
    assert.equal((await random2).status, 'ready');
  });
});
