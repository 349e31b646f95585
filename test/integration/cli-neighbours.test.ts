// `simclr-studio neighbours` as a subprocess on a tiny run trained by `simclr-studio
// train`: the JSON contract, agreement with `embed` + a float64 brute force, and the bad
// inputs of issue 5 (no checkpoint, a checkpoint of another architecture, not an image).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeCheckpoint, encodeCheckpoint, lastCheckpointPath } from '../../worker/simclr/checkpoint.ts';
import { type CliResult, lastJsonLine, runStudioCli, trainTinyCliRun } from '../helpers/cli.ts';
import { createTempDir, type TempDir, writeImage, writeLabelledFolder } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let folder: string;
let runDir: string;

function cli(...args: string[]): Promise<CliResult> {
  return runStudioCli(path.join(tmp.path, 'data'), args);
}

interface NeighboursJson {
  query: string;
  neighbours: { path: string; similarity: number }[];
}

before(async () => {
  tmp = await createTempDir('simclr-cli-nn-');
  folder = path.join(tmp.path, 'images');
  runDir = path.join(tmp.path, 'run');
  await writeLabelledFolder(folder, { classes: { red: 5, blue: 5 }, size: 20 });
  const r = await trainTinyCliRun(path.join(tmp.path, 'data'), folder, runDir);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await tmp.remove();
});

describe('neighbours', () => {
  test('--json: every other image once, sorted by similarity, matching embed + a float64 brute force', async () => {
    const query = path.join(folder, 'red', 'red-0.png');
    const r = await cli('neighbours', query, '--run-dir', runDir, '--dataset', folder, '--k', '20', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = lastJsonLine<NeighboursJson>(r);
    assert.equal(out.query, query);
    // k = 20 > 9 others: all of them, the query itself left out.
    assert.equal(out.neighbours.length, 9);
    assert.ok(!out.neighbours.some((n) => n.path === query));
    for (let i = 1; i < out.neighbours.length; i++) assert.ok(out.neighbours[i - 1]!.similarity >= out.neighbours[i]!.similarity);

    // Reference: the h written by `embed` for the same folder, cosine in float64.
    const npy = path.join(tmp.path, 'h.npy');
    const e = await cli('embed', folder, '--run-dir', runDir, '--out', npy);
    assert.equal(e.code, 0, e.stderr);
    const bytes = await fs.readFile(npy);
    const dataStart = 10 + bytes.readUInt16LE(8);
    const paths = (await fs.readFile(path.join(tmp.path, 'h.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[1]!);
    const h = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.byteLength));
    const d = h.length / paths.length;
    const row = (i: number) => Array.from(h.subarray(i * d, (i + 1) * d), Number);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0) / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
    const q = row(paths.indexOf(query));
    const reference = paths.map((p, i) => ({ path: p, similarity: cos(q, row(i)) })).filter((n) => n.path !== query).sort((a, b) => b.similarity - a.similarity);
    assert.deepEqual(out.neighbours.map((n) => n.path), reference.map((n) => n.path));
    out.neighbours.forEach((n, i) => assert.ok(Math.abs(n.similarity - reference[i]!.similarity) < 1e-4, `${n.path}: ${n.similarity} vs ${reference[i]!.similarity}`));
  });

  test('an image from outside the folder; plain output is one "similarity  path" line per neighbour', async () => {
    const outside = await writeImage(path.join(tmp.path, 'outside.jpg'), { width: 24, height: 24, format: 'jpeg', seed: 99 });
    const r = await cli('neighbours', outside, '--run-dir', runDir, '--dataset', folder, '--k', '3');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^-?\d\.\d{4} {2}.+\.png$/);
  });

  test('a file that is not an image is refused by name and reason', async () => {
    const text = path.join(tmp.path, 'notes.png');
    await fs.writeFile(text, 'just some text, not pixels\n');
    const r = await cli('neighbours', text, '--run-dir', runDir, '--dataset', folder);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /notes\.png cannot be used as a query: not an image/);
  });

  test('a run with no checkpoint yet', async () => {
    const empty = path.join(tmp.path, 'empty-run');
    await fs.mkdir(empty);
    const r = await cli('neighbours', path.join(folder, 'red', 'red-0.png'), '--run-dir', empty, '--dataset', folder);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no checkpoint at .*empty-run.*last\.ckpt/);
  });

  test('a checkpoint whose weights do not fit its architecture (another width) is refused, naming the file', async () => {
    const bad = path.join(tmp.path, 'bad-run');
    const source = lastCheckpointPath(runDir);
    const checkpoint = decodeCheckpoint(new Uint8Array(await fs.readFile(source)), source);
    const other = { ...checkpoint, config: { ...checkpoint.config, width: 0.25 } };
    await fs.mkdir(path.dirname(lastCheckpointPath(bad)), { recursive: true });
    await fs.writeFile(lastCheckpointPath(bad), encodeCheckpoint(other));
    const r = await cli('neighbours', path.join(folder, 'red', 'red-0.png'), '--run-dir', bad, '--dataset', folder);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad-run.*last\.ckpt \(encoder\).*shape/);
  });

  test('bad flags', async () => {
    const image = path.join(folder, 'red', 'red-0.png');
    assert.match((await cli('neighbours', image, '--dataset', folder)).stderr, /needs --run-dir/);
    assert.match((await cli('neighbours', image, '--run-dir', runDir)).stderr, /needs --dataset/);
    assert.match((await cli('neighbours', image, '--run-dir', runDir, '--dataset', folder, '--k', '0')).stderr, /--k must be a positive whole number/);
    assert.match((await cli('neighbours', path.join(tmp.path, 'nope.png'), '--run-dir', runDir, '--dataset', folder)).stderr, /nope\.png does not exist/);
  });
});
