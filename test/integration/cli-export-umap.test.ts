// `simclr-studio export map --method umap` as a subprocess on a tiny run trained by
// `simclr-studio train`. 20 generated images in 2 sub-folders: above UMAP_MIN_POINTS (5),
// and enough for umap-js's default 15 neighbours, so the real UMAP path runs, not its
// small-set fallback. Checked: one finite row per image, in the embeddings export's
// order, equal to the UMAP of that exported h computed here with the same seed (and not
// the PCA picture); the same seed twice writes the same file, another seed another map;
// the JSON line records "method":"umap". Below UMAP_MIN_POINTS the CLI says it falls
// back and writes the PCA map ("method":"pca"); a bad --method or --seed is refused
// before any work, and no file is written.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectEmbeddings } from '../../worker/projection.ts';
import { UMAP_MIN_POINTS } from '../../worker/projection/umap.ts';
import { type CliResult, lastJsonLine, runStudioCli, trainTinyCliRun } from '../helpers/cli.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';

const IMAGES = 20;

let tmp: TempDir;
let folder: string;
let runDir: string;

function cli(...args: string[]): Promise<CliResult> {
  return runStudioCli(path.join(tmp.path, 'data'), args);
}

interface MapJson {
  kind: string;
  files: string[];
  images: number;
  method: string;
}

async function exportMap(dataset: string, name: string, ...flags: string[]): Promise<{ json: MapJson; result: CliResult; file: string }> {
  const file = path.join(tmp.path, name);
  const result = await cli('export', 'map', ...flags, '--run-dir', runDir, '--dataset', dataset, '--out', file, '--json');
  assert.equal(result.code, 0, result.stderr);
  return { json: lastJsonLine<MapJson>(result), result, file };
}

/** Rows of a CSV without quoted fields (the temp paths hold no commas or quotes), header dropped. */
async function csvRows(file: string): Promise<string[][]> {
  const text = await fs.readFile(file, 'utf8');
  return text.trim().split('\n').slice(1).map((l) => l.split(','));
}

/** The map CSV's x,y as [rows, 2] row-major. */
function coordinates(rows: readonly string[][]): Float64Array {
  return Float64Array.from(rows.flatMap((r) => [Number(r[2]), Number(r[3])]));
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

before(async () => {
  tmp = await createTempDir('simclr-cli-export-umap-');
  folder = path.join(tmp.path, 'images');
  runDir = path.join(tmp.path, 'run');
  await writeLabelledFolder(folder, { classes: { red: IMAGES / 2, blue: IMAGES / 2 }, size: 20 });
  const r = await trainTinyCliRun(path.join(tmp.path, 'data'), folder, runDir);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await tmp.remove();
});

describe('export map --method umap', () => {
  /** The embeddings export (CSV: path,label,h0..): the reference h and the row order. */
  let paths: string[];
  let h: Float32Array;
  let dim: number;
  let seven: string;

  test('one finite row per image in [-1, 1], the UMAP of the exported h with that seed (not PCA), recorded as umap', async () => {
    const embeddings = path.join(tmp.path, 'h.csv');
    const e = await cli('export', 'embeddings', '--format', 'csv', '--run-dir', runDir, '--dataset', folder, '--out', embeddings);
    assert.equal(e.code, 0, e.stderr);
    const hRows = await csvRows(embeddings);
    paths = hRows.map((r) => r[0]!);
    dim = hRows[0]!.length - 2;
    // The CSV holds each float32 as its shortest decimal: parsing gives the same float32 back.
    h = Float32Array.from(hRows.flatMap((r) => r.slice(2).map(Number)));
    assert.equal(paths.length, IMAGES);

    const { json, file } = await exportMap(folder, 'map-7.csv', '--method', 'umap', '--seed', '7');
    seven = file;
    assert.deepEqual(json, { kind: 'map', files: [file], images: IMAGES, method: 'umap' });
    const rows = await csvRows(file);
    assert.equal(rows.length, IMAGES);
    assert.deepEqual(rows.map((r) => r[0]), paths);
    for (const r of rows) assert.equal(r[1], path.basename(path.dirname(r[0]!)));
    const xy = coordinates(rows);
    assert.ok(xy.every(Number.isFinite), 'every coordinate is a finite number');
    // Scaled into the unit box, the longer axis spanning it (worker/projection/scale.ts).
    assert.ok(xy.every((v) => Math.abs(v) <= 1 + 1e-6));
    assert.ok(Math.abs(Math.max(...xy.map(Math.abs)) - 1) < 1e-6);

    const umap = await projectEmbeddings(h, IMAGES, dim, 'umap', { seed: 7 });
    assert.ok(largestDifference(xy, umap) < 1e-6, `the CLI's map is UMAP(h, seed 7): off by ${largestDifference(xy, umap)}`);
    const pca = await projectEmbeddings(h, IMAGES, dim, 'pca', { seed: 7 });
    assert.ok(largestDifference(xy, pca) > 0.05, 'and not the PCA picture');
  });

  test('the same seed twice writes the same file; another seed gives another map', async () => {
    const again = await exportMap(folder, 'map-7-again.csv', '--method', 'umap', '--seed', '7');
    assert.equal(again.json.method, 'umap');
    assert.deepEqual(await fs.readFile(again.file), await fs.readFile(seven));

    const eight = await exportMap(folder, 'map-8.csv', '--method', 'umap', '--seed', '8');
    assert.equal(eight.json.method, 'umap');
    const [a, b] = await Promise.all([csvRows(seven), csvRows(eight.file)]);
    assert.deepEqual(b.map((r) => r[0]), paths);
    assert.ok(largestDifference(coordinates(a), coordinates(b)) > 1e-3, 'the seed is used');
  });

  test(`fewer than ${UMAP_MIN_POINTS} images: the CLI says it falls back, writes the PCA map and records pca`, async () => {
    const few = path.join(tmp.path, 'few');
    const count = UMAP_MIN_POINTS - 1;
    await writeLabelledFolder(few, { classes: { red: count }, size: 20, seedOffset: 100 });
    const fallback = await exportMap(few, 'few-umap.csv', '--method', 'umap');
    assert.match(fallback.result.stderr, new RegExp(`few has ${count} usable image\\(s\\) and UMAP needs at least ${UMAP_MIN_POINTS}: the map is PCA instead`));
    assert.deepEqual(fallback.json, { kind: 'map', files: [fallback.file], images: count, method: 'pca' });
    const rows = await csvRows(fallback.file);
    assert.equal(rows.length, count);
    assert.ok(coordinates(rows).every(Number.isFinite));

    const pca = await exportMap(few, 'few-pca.csv', '--method', 'pca');
    assert.equal(pca.json.method, 'pca');
    assert.doesNotMatch(pca.result.stderr, /PCA instead/);
    assert.deepEqual(await fs.readFile(fallback.file), await fs.readFile(pca.file));
  });

  test('a bad --method or --seed is refused with the reason, before any work, and no file is written', async () => {
    const out = path.join(tmp.path, 'refused.csv');
    const cases: [string[], RegExp][] = [
      [['--method', 'tsne'], /unknown --method 'tsne': choose one of pca, umap/],
      [['--method', 'umap', '--seed', '1.5'], /--seed must be a whole number, got '1\.5'/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('export', 'map', ...flags, '--run-dir', runDir, '--dataset', folder, '--out', out);
      assert.equal(r.code, 1, flags.join(' '));
      assert.match(r.stderr, message);
      // Refused before the encoder is even loaded (no backend choice is logged).
      assert.doesNotMatch(r.stderr, /backend: using/);
      await assert.rejects(fs.stat(out), { code: 'ENOENT' });
    }
  });
});
