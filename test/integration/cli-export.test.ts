// `simclr-studio export <kind>` as a subprocess on a tiny run trained by `simclr-studio
// train`: every kind's files parse back and agree with a brute-force reference computed
// here from the exported h (cosine in float64, PCA through worker/projection.ts), the
// selection is exactly the listed images (copies byte-identical, originals untouched),
// and the bad inputs are refused with a clear message and a non-zero exit.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectEmbeddings } from '../../worker/projection.ts';
import { type CliResult, lastJsonLine, runStudioCli, trainTinyCliRun } from '../helpers/cli.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let folder: string;
let runDir: string;
/** From the npy export: the reference for the other kinds. */
let paths: string[];
let h: Float32Array;
let dim: number;

function cli(...args: string[]): Promise<CliResult> {
  return runStudioCli(path.join(tmp.path, 'data'), args);
}

interface ExportJson {
  kind: string;
  files: string[];
  images: number;
}

async function exportOk(...args: string[]): Promise<ExportJson> {
  const r = await cli('export', ...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return lastJsonLine<ExportJson>(r);
}

/** Rows of a CSV without quoted fields (the temp paths hold no commas or quotes), header dropped. */
async function csvRows(file: string): Promise<string[][]> {
  const text = await fs.readFile(file, 'utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(','));
}

function readNpy(bytes: Buffer): { data: Float32Array; shape: number[] } {
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header)!.slice(1).map(Number);
  const start = 10 + headerLength;
  return { data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.byteLength)), shape };
}

function cosine64(i: number, j: number): number {
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let c = 0; c < dim; c++) {
    const x = h[i * dim + c]!;
    const y = h[j * dim + c]!;
    dot += x * y;
    a += x * x;
    b += y * y;
  }
  return dot / Math.sqrt(a * b);
}

before(async () => {
  tmp = await createTempDir('simclr-cli-export-');
  folder = path.join(tmp.path, 'images');
  runDir = path.join(tmp.path, 'run');
  await writeLabelledFolder(folder, { classes: { red: 4, blue: 4 }, size: 20 });
  const r = await trainTinyCliRun(path.join(tmp.path, 'data'), folder, runDir);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await tmp.remove();
});

describe('export', () => {
  test('embeddings --format npy: F.npy [N, D] + F.csv with the paths in the same order', async () => {
    const out = path.join(tmp.path, 'h.npy');
    const json = await exportOk('embeddings', '--run-dir', runDir, '--dataset', folder, '--out', out);
    assert.deepEqual(json, { kind: 'embeddings', files: [out, path.join(tmp.path, 'h.csv')], images: 8 });
    const npy = readNpy(await fs.readFile(out));
    paths = (await csvRows(json.files[1]!)).map((row) => row[1]!);
    assert.equal(paths.length, 8);
    assert.equal(npy.shape[0], 8);
    dim = npy.shape[1]!;
    h = npy.data;
    assert.equal(h.length, 8 * dim);
    assert.ok(h.every(Number.isFinite));
  });

  test('embeddings --format csv: path,label,h0..hD-1 equal to the npy values', async () => {
    const out = path.join(tmp.path, 'h-sheet.csv');
    const json = await exportOk('embeddings', '--format', 'csv', '--run-dir', runDir, '--dataset', folder, '--out', out);
    assert.deepEqual(json.files, [out]);
    const header = (await fs.readFile(out, 'utf8')).split('\n')[0]!.split(',');
    assert.deepEqual(header.slice(0, 3), ['path', 'label', 'h0']);
    assert.equal(header.length, 2 + dim);
    const rows = await csvRows(out);
    assert.deepEqual(rows.map((r) => r[0]), paths);
    for (const [i, row] of rows.entries()) {
      assert.equal(row[1], path.basename(path.dirname(row[0]!)));
      row.slice(2).forEach((v, c) => assert.equal(Number(v), h[i * dim + c]));
    }
  });

  test('neighbours --format json: every image, k others sorted by cosine, matching a float64 brute force', async () => {
    const out = path.join(tmp.path, 'nn.json');
    const json = await exportOk('neighbours', '--k', '3', '--format', 'json', '--run-dir', runDir, '--dataset', folder, '--out', out);
    assert.equal(json.images, 8);
    const lists = JSON.parse(await fs.readFile(out, 'utf8')) as { path: string; neighbours: { path: string; similarity: number }[] }[];
    assert.deepEqual(lists.map((l) => l.path), paths);
    for (const [i, list] of lists.entries()) {
      const reference = paths.map((p, j) => ({ path: p, similarity: cosine64(i, j) })).filter((n) => n.path !== list.path).sort((a, b) => b.similarity - a.similarity).slice(0, 3);
      assert.equal(list.neighbours.length, 3);
      list.neighbours.forEach((n, r) => {
        assert.ok(Math.abs(n.similarity - reference[r]!.similarity) < 1e-4, `${list.path} #${r}: ${n.similarity} vs ${reference[r]!.similarity}`);
        if (r > 0) assert.ok(list.neighbours[r - 1]!.similarity >= n.similarity);
      });
      assert.ok(!list.neighbours.some((n) => n.path === list.path));
    }
  });

  test('neighbours --format csv (default k 10 → all 7 others): path,rank,neighbour,similarity', async () => {
    const out = path.join(tmp.path, 'nn.csv');
    await exportOk('neighbours', '--run-dir', runDir, '--dataset', folder, '--out', out);
    const rows = await csvRows(out);
    assert.equal(rows.length, 8 * 7);
    for (const [p, rank, neighbour, similarity] of rows) {
      const i = paths.indexOf(p!);
      const j = paths.indexOf(neighbour!);
      assert.ok(i >= 0 && j >= 0 && i !== j);
      assert.ok(Number(rank) >= 1 && Number(rank) <= 7);
      assert.ok(Math.abs(Number(similarity) - cosine64(i, j)) < 1e-4);
    }
  });

  test('map --method pca: N rows path,label,x,y equal to the projection of the exported h', async () => {
    const out = path.join(tmp.path, 'map.csv');
    const json = await exportOk('map', '--method', 'pca', '--run-dir', runDir, '--dataset', folder, '--out', out);
    assert.equal(json.images, 8);
    const rows = await csvRows(out);
    assert.equal(rows.length, 8);
    assert.deepEqual(rows.map((r) => r[0]), paths);
    const xy = await projectEmbeddings(h, 8, dim, 'pca', { seed: 42 });
    rows.forEach((r, i) => {
      assert.ok(Math.abs(Number(r[2]) - xy[2 * i]!) < 1e-4 && Math.abs(Number(r[3]) - xy[2 * i + 1]!) < 1e-4, `${r[0]}: ${r[2]},${r[3]} vs ${xy[2 * i]},${xy[2 * i + 1]}`);
    });
  });

  test('selection --format csv: exactly the listed images', async () => {
    const list = path.join(tmp.path, 'list.txt');
    await fs.writeFile(list, 'red/red-1.png\n\nblue/blue-0.png\n');
    const out = path.join(tmp.path, 'selection.csv');
    const json = await exportOk('selection', '--images', list, '--format', 'csv', '--dataset', folder, '--out', out);
    assert.equal(json.images, 2);
    const rows = await csvRows(out);
    assert.deepEqual(rows.map((r) => r[1]).sort(), [path.join(folder, 'blue', 'blue-0.png'), path.join(folder, 'red', 'red-1.png')]);
  });

  test('selection --copy-to: byte-identical copies in a new folder, originals untouched; a non-empty folder is refused', async () => {
    const list = path.join(tmp.path, 'list-copy.txt');
    await fs.writeFile(list, 'red/red-2.png\nblue/blue-3.png\n');
    const originals = await Promise.all(['red/red-2.png', 'blue/blue-3.png'].map((p) => fs.readFile(path.join(folder, p))));
    const before = (await fs.readdir(folder, { recursive: true })).sort();
    const to = path.join(tmp.path, 'picked');
    const json = await exportOk('selection', '--images', list, '--copy-to', to, '--dataset', folder);
    assert.deepEqual(json.files, [path.join(to, 'blue', 'blue-3.png'), path.join(to, 'red', 'red-2.png')]);
    assert.deepEqual(await fs.readFile(json.files[0]!), originals[1]);
    assert.deepEqual(await fs.readFile(json.files[1]!), originals[0]);
    assert.deepEqual((await fs.readdir(folder, { recursive: true })).sort(), before);
    assert.deepEqual(await fs.readFile(path.join(folder, 'red', 'red-2.png')), originals[0]);

    const again = await cli('export', 'selection', '--images', list, '--copy-to', to, '--dataset', folder);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /picked: the folder is not empty/);
  });

  test('encoder: a LayersModel folder (model.json + weights); a non-empty folder is refused', async () => {
    const dir = path.join(tmp.path, 'encoder');
    const json = await exportOk('encoder', '--run-dir', runDir, '--out', dir);
    assert.ok(json.files.includes(path.join(dir, 'model.json')), json.files.join(', '));
    const model = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { paths: string[] }[] };
    assert.ok(model.modelTopology);
    for (const p of model.weightsManifest.flatMap((m) => m.paths)) assert.ok((await fs.stat(path.join(dir, p))).size > 0);

    const again = await cli('export', 'encoder', '--run-dir', runDir, '--out', dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /encoder: the folder is not empty/);
  });

  test('errors: unknown kind lists the kinds, no checkpoint, existing output, unknown image in the list, bad flags', async () => {
    const unknownKind = await cli('export', 'pictures', '--run-dir', runDir, '--dataset', folder, '--out', path.join(tmp.path, 'x'));
    assert.equal(unknownKind.code, 1);
    assert.match(unknownKind.stderr, /unknown export kind 'pictures': choose one of embeddings, neighbours, map, selection, encoder/);

    const empty = path.join(tmp.path, 'empty-run');
    await fs.mkdir(empty);
    const noCheckpoint = await cli('export', 'embeddings', '--run-dir', empty, '--dataset', folder, '--out', path.join(tmp.path, 'none.npy'));
    assert.equal(noCheckpoint.code, 1);
    assert.match(noCheckpoint.stderr, /no checkpoint at .*empty-run.*last\.ckpt/);
    await assert.rejects(fs.stat(path.join(tmp.path, 'none.npy')));
    const noEncoder = await cli('export', 'encoder', '--run-dir', empty, '--out', path.join(tmp.path, 'no-encoder'));
    assert.equal(noEncoder.code, 1);
    assert.match(noEncoder.stderr, /no checkpoint at .*empty-run/);
    await assert.rejects(fs.stat(path.join(tmp.path, 'no-encoder')));

    const existing = path.join(tmp.path, 'map.csv');
    const before = await fs.readFile(existing);
    const exists = await cli('export', 'map', '--run-dir', runDir, '--dataset', folder, '--out', existing);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /map\.csv already exists/);
    assert.deepEqual(await fs.readFile(existing), before);

    const list = path.join(tmp.path, 'list-bad.txt');
    await fs.writeFile(list, 'red/red-0.png\nred/not-here.png\n../outside.png\n');
    const unknownImage = await cli('export', 'selection', '--images', list, '--format', 'csv', '--dataset', folder, '--out', path.join(tmp.path, 'bad.csv'));
    assert.equal(unknownImage.code, 1);
    assert.match(unknownImage.stderr, /2 listed image\(s\) are not images of .*images: red\/not-here\.png, \.\.\/outside\.png/);
    await assert.rejects(fs.stat(path.join(tmp.path, 'bad.csv')));

    assert.match((await cli('export', 'neighbours', '--run-dir', runDir, '--dataset', folder, '--out', path.join(tmp.path, 'n.csv'), '--k', '0')).stderr, /--k must be a positive whole number/);
    assert.match((await cli('export', 'embeddings', '--format', 'parquet', '--run-dir', runDir, '--dataset', folder, '--out', path.join(tmp.path, 'e.x'))).stderr, /unknown --format 'parquet': choose one of npy, csv/);
    assert.match((await cli('export', 'map', '--dataset', folder, '--out', path.join(tmp.path, 'm.csv'))).stderr, /needs --run-dir/);
    assert.match((await cli('export', 'selection', '--images', list, '--dataset', folder)).stderr, /needs --format csv .* or --copy-to DIR/);
  });
});
