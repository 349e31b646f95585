import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosineIndex, selectTopK } from '../../main/services/explorer/cosine-index.ts';
import { findDuplicateRows, findOutlierRows } from '../../main/services/explorer/neighbour-graph.ts';
import { selectBackend } from '../../worker/backend.ts';
import { knnGraph } from '../../worker/jobs/explorer-knn-graph.ts';
import { createRng } from '../../worker/simclr/rng.ts';

const tf = (await selectBackend('wasm', () => {})).tf;

function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * dim }, () => rng.uniform(-1, 1));
}

/** Brute-force cosine similarities in float64, straight from the definition. */
function cosine64(data: Float32Array, dim: number, i: number, q: ArrayLike<number>): number {
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let c = 0; c < dim; c++) {
    dot += data[i * dim + c]! * q[c]!;
    a += data[i * dim + c]! ** 2;
    b += q[c]! ** 2;
  }
  return dot / Math.sqrt(a * b);
}

test('top-k by row agrees with a float64 brute-force reference (order and scores)', () => {
  const rows = 300;
  const dim = 37; // not a multiple of 4: exercises the tail of the unrolled loop
  const data = randomMatrix(rows, dim, 11);
  const index = CosineIndex.build(data, rows, dim);
  for (const query of [0, 17, 299]) {
    const got = index.neighboursOfRow(query, 10);
    const q = data.subarray(query * dim, (query + 1) * dim);
    const reference = Array.from({ length: rows }, (_, i) => ({ row: i, similarity: cosine64(data, dim, i, q) }))
      .filter((r) => r.row !== query)
      .sort((x, y) => y.similarity - x.similarity)
      .slice(0, 10);
    assert.deepEqual(got.map((g) => g.row), reference.map((r) => r.row), `query ${query}`);
    got.forEach((g, j) => assert.ok(Math.abs(g.similarity - reference[j]!.similarity) < 1e-5, `query ${query} rank ${j}`));
    assert.ok(!got.some((g) => g.row === query), 'the query itself is excluded');
  }
});

test('top-k of an outside vector: scale does not matter; a wrong width is refused by name', () => {
  const data = randomMatrix(50, 8, 3);
  const index = CosineIndex.build(data, 50, 8);
  const q = data.slice(8 * 5, 8 * 6).map((v) => v * 42);
  const top = index.topK(index.unitQuery(q), 3);
  assert.equal(top[0]!.row, 5);
  assert.ok(Math.abs(top[0]!.similarity - 1) < 1e-6);
  assert.throws(() => index.unitQuery(new Float32Array(9)), /9 values but the embeddings have 8/);
});

test('k larger than the set returns every other row; ties go to the lower row; bad k refused', () => {
  const data = Float32Array.of(1, 0, 1, 0, 0, 1, 1, 0);
  const index = CosineIndex.build(data, 4, 2);
  const top = index.neighboursOfRow(0, 10);
  assert.deepEqual(top.map((t) => t.row), [1, 3, 2]);
  assert.throws(() => selectTopK(new Float32Array(3), 0), /k must be a positive integer/);
  // A zero vector is similar to nothing (0), not NaN.
  const withZero = CosineIndex.build(Float32Array.of(0, 0, 1, 0), 2, 2);
  assert.equal(withZero.neighboursOfRow(1, 1)[0]!.similarity, 0);
});

test('duplicates: exactly the pairs above the threshold, most similar first; bounded by limit', async () => {
  const rows = 120;
  const dim = 16;
  const data = randomMatrix(rows, dim, 5);
  // Plant near-copies: row 10 ≈ row 3, row 50 ≈ row 40, row 90 = row 7 exactly.
  const rng = createRng(9);
  for (const [copy, of, noise] of [[10, 3, 0.01], [50, 40, 0.05], [90, 7, 0]] as const) {
    for (let c = 0; c < dim; c++) data[copy * dim + c] = data[of * dim + c]! + noise * rng.uniform(-1, 1);
  }
  const index = CosineIndex.build(data, rows, dim);
  const threshold = 0.99;
  const reference: { a: number; b: number; s: number }[] = [];
  for (let a = 0; a < rows; a++) for (let b = a + 1; b < rows; b++) {
    const s = cosine64(data, dim, a, data.subarray(b * dim, (b + 1) * dim));
    if (s >= threshold) reference.push({ a, b, s });
  }
  reference.sort((x, y) => y.s - x.s);
  const graph = await knnGraph(tf, index.unit, rows, dim, 8, { blockRows: 7 });
  const all = findDuplicateRows(graph, threshold, 100);
  assert.deepEqual(all.pairs.map((p) => [p.a, p.b]), reference.map((r) => [r.a, r.b]));
  assert.ok(reference.length >= 3);
  assert.equal(all.truncated, false);
  const one = findDuplicateRows(graph, threshold, 1);
  assert.deepEqual(one.pairs.map((p) => [p.a, p.b]), [[7, 90]]);
  assert.equal(one.truncated, true);
});

test('outliers: the rows whose k-th neighbour is least similar, checked by brute force', async () => {
  const rows = 80;
  const dim = 12;
  const data = randomMatrix(rows, dim, 21);
  const index = CosineIndex.build(data, rows, dim);
  const k = 4;
  const kth = Array.from({ length: rows }, (_, i) => {
    const sims = Array.from({ length: rows }, (_, j) => (j === i ? -Infinity : cosine64(data, dim, j, data.subarray(i * dim, (i + 1) * dim)))).sort((x, y) => y - x);
    return { row: i, s: sims[k - 1]! };
  }).sort((x, y) => x.s - y.s);
  const got = findOutlierRows(await knnGraph(tf, index.unit, rows, dim, 6, { blockRows: 13 }), k, 5);
  assert.deepEqual(got.map((o) => o.row), kth.slice(0, 5).map((r) => r.row));
  got.forEach((o, j) => assert.ok(Math.abs(o.kthSimilarity - kth[j]!.s) < 1e-5));
  assert.deepEqual(findOutlierRows(await knnGraph(tf, CosineIndex.build(Float32Array.of(1, 2), 1, 2).unit, 1, 2, 3), 3, 5), []);
});

test('the k-NN graph (wasm matMul + topk in blocks) equals a float64 brute force, self excluded', async () => {
  const rows = 70;
  const dim = 20;
  const data = randomMatrix(rows, dim, 31);
  const index = CosineIndex.build(data, rows, dim);
  const graph = await knnGraph(tf, index.unit, rows, dim, 5, { blockRows: 16 });
  assert.equal(graph.k, 5);
  for (let i = 0; i < rows; i++) {
    const reference = Array.from({ length: rows }, (_, j) => ({ j, s: j === i ? -Infinity : cosine64(data, dim, j, data.subarray(i * dim, (i + 1) * dim)) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 5);
    assert.deepEqual(Array.from(graph.indices.subarray(i * 5, i * 5 + 5)), reference.map((r) => r.j), `row ${i}`);
    reference.forEach((r, j) => assert.ok(Math.abs(graph.similarities[i * 5 + j]! - r.s) < 1e-5));
  }
  // k is clamped to N − 1; one row has no neighbours; exact duplicates do not leave the row in its own list.
  const twins = await knnGraph(tf, CosineIndex.build(Float32Array.of(1, 0, 1, 0, 1, 0), 3, 2).unit, 3, 2, 10);
  assert.equal(twins.k, 2);
  for (let i = 0; i < 3; i++) assert.ok(!Array.from(twins.indices.subarray(i * 2, i * 2 + 2)).includes(i));
  const cancelled = new AbortController();
  cancelled.abort();
  await assert.rejects(knnGraph(tf, index.unit, rows, dim, 5, { signal: cancelled.signal }), { name: 'AbortError' });
});
