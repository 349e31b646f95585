// The explorer's fast query path: usearch's native scan as a filter (native-scan.ts,
// nativeTopK in cosine-index.ts) and the index thread (index-thread.ts) that runs
// queries and PCA off the main event loop. Real usearch, real worker threads.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CosineIndex, nativeTopK, normalizeRowsInPlace, selectTopK, sharedFloat32, type ScoredRow } from '../../main/services/explorer/cosine-index.ts';
import { EmbeddingFiles } from '../../main/services/explorer/embedding-files.ts';
import { IndexThread } from '../../main/services/explorer/index-thread.ts';
import { nativeCandidates, nativeScanAvailable } from '../../main/services/explorer/native-scan.ts';
import { pca2d } from '../../worker/projection/pca.ts';
import { createRng } from '../../worker/simclr/rng.ts';

function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * dim }, () => rng.uniform(-1, 1));
}

/** The k most similar rows by float64 cosine from the definition (ties: lower row), `exclude` left out. */
function reference(data: Float32Array, rows: number, dim: number, q: ArrayLike<number>, k: number, exclude = -1): ScoredRow[] {
  let qq = 0;
  for (let c = 0; c < dim; c++) qq += q[c]! ** 2;
  const all: ScoredRow[] = [];
  for (let i = 0; i < rows; i++) {
    if (i === exclude) continue;
    let dot = 0;
    let aa = 0;
    for (let c = 0; c < dim; c++) {
      dot += data[i * dim + c]! * q[c]!;
      aa += data[i * dim + c]! ** 2;
    }
    all.push({ row: i, similarity: aa > 0 && qq > 0 ? dot / Math.sqrt(aa * qq) : 0 });
  }
  return all.sort((x, y) => y.similarity - x.similarity || x.row - y.row).slice(0, k);
}

/** What the JS scan over all rows answers (the result the fast path must equal bit for bit). */
function fullScan(index: CosineIndex, q: Float32Array, k: number, exclude = -1): ScoredRow[] {
  return selectTopK(index.similarities(q, new Float32Array(index.rows)), k, exclude);
}

function assertMatchesReference(got: readonly ScoredRow[], want: readonly ScoredRow[], what: string): void {
  assert.deepEqual(got.map((g) => g.row), want.map((w) => w.row), what);
  got.forEach((g, j) => assert.ok(Math.abs(g.similarity - want[j]!.similarity) < 1e-6, `${what}: rank ${j} similarity ${g.similarity} vs ${want[j]!.similarity}`));
}

const thread = new IndexThread();
after(() => thread.close());

test('usearch loads here (else every other test would only exercise the JS scan)', () => {
  assert.equal(nativeScanAvailable(), true);
});

test('native candidates: the largest products, their float32 dots within the rounding bound of float64', () => {
  const rows = 3000;
  const dim = 512;
  const index = CosineIndex.build(randomMatrix(rows, dim, 5), rows, dim);
  const q = index.rowVector(123);
  const found = nativeCandidates(index.unit, rows, dim, q, 50)!;
  const want = reference(index.unit, rows, dim, q, 50);
  assert.deepEqual([...found.rows], want.map((w) => w.row));
  let worst = 0;
  found.dots.forEach((d, i) => (worst = Math.max(worst, Math.abs(d - want[i]!.similarity))));
  assert.ok(worst < 2 ** -23 * (dim + 8), `float32 dot error ${worst}`);
  // A view that does not start its buffer (usearch would read from the buffer's start).
  const padded = new Float32Array(dim + rows * dim);
  padded.set(index.unit, dim);
  assert.deepEqual([...nativeCandidates(padded.subarray(dim), rows, dim, q, 5)!.rows], want.slice(0, 5).map((w) => w.row));
});

test('filtered top-k equals the full JS scan bit for bit and the float64 reference, for rows and outside vectors', () => {
  const rows = 4000;
  for (const dim of [512, 37]) {
    const data = randomMatrix(rows, dim, dim);
    const index = CosineIndex.build(data, rows, dim);
    for (const row of [0, 1234, rows - 1]) {
      const fast = nativeTopK(index, index.rowVector(row), 12, row);
      assert.ok(fast, `${dim}: row ${row} answered by the native path (no near-tie at the 12th place in random data)`);
      assert.deepEqual(fast, fullScan(index, index.rowVector(row), 12, row));
      assertMatchesReference(index.neighboursOfRow(row, 12), reference(data, rows, dim, data.subarray(row * dim, (row + 1) * dim), 12, row), `${dim}: row ${row}`);
    }
    const outside = randomMatrix(1, dim, 99);
    const q = index.unitQuery(outside);
    assert.ok(nativeTopK(index, q, 30));
    assertMatchesReference(index.topK(q, 30), reference(data, rows, dim, outside, 30), `${dim}: outside vector`);
  }
});

test('ties go to the lower row: copies inside the candidates, and more copies than candidates (full scan)', () => {
  const rows = 2000;
  const dim = 64;
  const data = randomMatrix(rows, dim, 7);
  const twin = data.slice(0, dim);
  const few = [1500, 40, 900, 1999, 300]; // 5 copies of row 0, out of order
  for (const r of few) data.set(twin, r * dim);
  let index = CosineIndex.build(data, rows, dim);
  const fast = nativeTopK(index, index.rowVector(0), 3, 0);
  assert.ok(fast, 'the 3rd place (a copy) is far above the 37th candidate');
  assert.deepEqual(fast.map((n) => n.row), [40, 300, 900]);
  assert.deepEqual(index.neighboursOfRow(0, 3), fullScan(index, index.rowVector(0), 3, 0));
  // 100 copies: the tie crosses the candidates, the native answer is refused, the scan decides.
  const many = Array.from({ length: 100 }, (_, i) => 1 + i * 19);
  for (const r of many) data.set(twin, r * dim);
  index = CosineIndex.build(data, rows, dim);
  assert.equal(nativeTopK(index, index.rowVector(0), 10, 0), null);
  const copies = [...new Set([...few, ...many])].sort((a, b) => a - b);
  assert.deepEqual(index.neighboursOfRow(0, 10).map((n) => n.row), copies.slice(0, 10));
  assert.deepEqual(index.neighboursOfRow(0, 10), fullScan(index, index.rowVector(0), 10, 0));
});

test('a zero query: all similarities 0, lowest rows first', () => {
  const rows = 500;
  const dim = 16;
  const index = CosineIndex.build(randomMatrix(rows, dim, 3), rows, dim);
  const zero = new Float32Array(dim);
  assert.equal(nativeTopK(index, zero, 5), null);
  assert.deepEqual(index.topK(zero, 5), [0, 1, 2, 3, 4].map((row) => ({ row, similarity: 0 })));
});

test('the index thread answers as the index does: by row, by an outside vector, k > N, bad k', async () => {
  const rows = 3000;
  const dim = 128;
  const data = randomMatrix(rows, dim, 21);
  const index = CosineIndex.build(data, rows, dim);
  for (const row of [5, 2999]) {
    const got = await thread.neighboursOfRow(index, row, 12);
    assert.deepEqual(got, index.neighboursOfRow(row, 12));
    assertMatchesReference(got, reference(data, rows, dim, data.subarray(row * dim, (row + 1) * dim), 12, row), `row ${row}`);
  }
  const outside = randomMatrix(1, dim, 1);
  assertMatchesReference(await thread.topK(index, index.unitQuery(outside), 7), reference(data, rows, dim, outside, 7), 'outside vector');
  const small = CosineIndex.build(randomMatrix(20, dim, 2), 20, dim);
  const everyone = await thread.neighboursOfRow(small, 3, 50);
  assert.equal(everyone.length, 19);
  assertMatchesReference(everyone, reference(randomMatrix(20, dim, 2), 20, dim, small.rowVector(3), 50, 3), 'k > N');
  await assert.rejects(thread.topK(index, index.rowVector(0), 0), { name: 'ExplorerError', message: /a neighbour query failed: k must be a positive integer, got 0/ });
  // The thread survived the bad request.
  assert.equal((await thread.neighboursOfRow(index, 0, 1)).length, 1);
});

test('the index thread computes PCA as pca2d does; an index not on a SharedArrayBuffer is refused by name', async () => {
  const rows = 1000;
  const dim = 24;
  const index = CosineIndex.build(randomMatrix(rows, dim, 8), rows, dim);
  assert.deepEqual(await thread.pca(index), pca2d(index.unit, rows, dim));
  const unshared = CosineIndex.adopt(randomMatrix(10, dim, 9), 10, dim);
  await assert.rejects(thread.topK(unshared, unshared.rowVector(0), 3), /SharedArrayBuffer/);
});

test('a thread that dies fails its pending calls with the reason; the next call starts a new one', async () => {
  const own = new IndexThread();
  try {
    const rows = 20_000;
    const dim = 128;
    const index = CosineIndex.build(randomMatrix(rows, dim, 4), rows, dim);
    // Stopped right after the calls are sent: they are certainly still in flight.
    const pending = assert.rejects(own.pca(index), { name: 'ExplorerError', message: /index thread stopped during the PCA map \(exit code \d+\): ask again/ });
    const query = assert.rejects(own.neighboursOfRow(index, 1, 5), /index thread stopped during a neighbour query/);
    await own.terminate();
    await pending;
    await query;
    assert.deepEqual(await own.neighboursOfRow(index, 1, 5), index.neighboursOfRow(1, 5));
  } finally {
    await own.close();
  }
});

test('close: pending calls fail as closing, later calls as closed', async () => {
  const own = new IndexThread();
  const index = CosineIndex.build(randomMatrix(20_000, 64, 6), 20_000, 64);
  const pending = assert.rejects(own.pca(index), { name: 'ExplorerError', message: 'the explorer is closing' });
  await own.close();
  await pending;
  await assert.rejects(own.neighboursOfRow(index, 0, 3), { name: 'ExplorerError', message: 'the explorer is closed' });
});

test('the index thread loads a set: reads the file, gathers the rows in order, normalises them (zero rows stay zero)', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'knn-load-'));
  try {
    const files = new EmbeddingFiles(dataDir);
    const stored = 300;
    const dim = 33;
    const raw = randomMatrix(stored, dim, 12);
    raw.fill(0, 7 * dim, 8 * dim);
    await files.write('set.f32', raw);
    const fileRows = Int32Array.of(299, 7, 0, 150, 42);
    const unit = sharedFloat32(fileRows.length * dim);
    await thread.loadUnitRows(files, 'set.f32', 1, dim, fileRows, unit);
    const want = new Float32Array(unit.length);
    fileRows.forEach((r, p) => want.set(raw.subarray(r * dim, (r + 1) * dim), p * dim));
    assert.deepEqual(unit, normalizeRowsInPlace(want, fileRows.length, dim));
    assert.ok(unit.subarray(dim, 2 * dim).every((v) => v === 0));
    // The explorer's own messages arrive as they are.
    await assert.rejects(thread.loadUnitRows(files, 'gone.f32', 1, dim, fileRows, unit), { name: 'ExplorerError', message: /^the embeddings file .*gone\.f32 is missing: compute the embeddings again$/ });
    await assert.rejects(thread.loadUnitRows(files, 'set.f32', 4, dim, Int32Array.of(1, 300), sharedFloat32(2 * dim)), {
      name: 'ExplorerError',
      message: 'the embeddings file of set 4 is shorter than its index (row 300 of 300): compute the embeddings again',
    });
    await assert.rejects(thread.loadUnitRows(files, 'set.f32', 1, dim, fileRows, new Float32Array(unit.length)), /SharedArrayBuffer/);
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});

test('a row with NaN or an infinity becomes a zero row: similarity 0, the same answer on both paths', () => {
  const rows = 1000;
  const dim = 32;
  const data = randomMatrix(rows, dim, 31);
  data[5 * dim + 3] = Number.NaN;
  data[9 * dim] = Number.POSITIVE_INFINITY;
  const index = CosineIndex.build(data, rows, dim);
  assert.ok(index.rowVector(5).every((v) => v === 0) && index.rowVector(9).every((v) => v === 0));
  const q = index.rowVector(100);
  assert.deepEqual(index.neighboursOfRow(100, 12), fullScan(index, q, 12, 100));
  // From the far side: the query's least similar rows are negative, the zero rows (0) rank above them.
  const opposite = q.map((v) => -v);
  const top = index.topK(opposite, rows - 1);
  assert.ok(top.every((s) => !Number.isNaN(s.similarity)));
  assert.deepEqual(top.find((s) => s.row === 5), { row: 5, similarity: 0 });
  assert.deepEqual(index.neighboursOfRow(5, 3), [0, 1, 2].map((row) => ({ row, similarity: 0 })));
});
