import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectEmbeddings } from '../../worker/projection.ts';
import { pca2d } from '../../worker/projection/pca.ts';
import { createRng } from '../../worker/simclr/rng.ts';

/** Three well-separated gaussian clusters in 32-D: [rows, 32]. */
function clusters(perCluster: number, seed: number): { data: Float32Array; rows: number; dim: number; label: number[] } {
  const dim = 32;
  const rng = createRng(seed);
  const rows = perCluster * 3;
  const data = new Float32Array(rows * dim);
  const label: number[] = [];
  for (let r = 0; r < rows; r++) {
    const k = r % 3;
    label.push(k);
    for (let c = 0; c < dim; c++) data[r * dim + c] = (c % 3 === k ? 5 : 0) + rng.uniform(-0.5, 0.5);
  }
  return { data, rows, dim, label };
}

test('PCA finds the direction of largest variance, with a fixed sign', async () => {
  // Points on the line y = 2x in 3-D plus tiny noise on z: the first component is ±(1,2,0)/√5.
  const rows = 50;
  const data = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) data.set([r - 25, 2 * (r - 25), (r % 2) * 0.01], r * 3);
  const xy = pca2d(data, rows, 3);
  // The mean of r−25 over 0..49 is −0.5, so projections on the first axis are ±(r−24.5)·√5; the spread along y is tiny.
  for (let r = 0; r < rows; r++) assert.ok(Math.abs(Math.abs(xy[2 * r]!) - Math.abs(r - 24.5) * Math.sqrt(5)) < 1e-3, `row ${r}: ${xy[2 * r]}`);
  // Sign convention: the largest entry of the direction (y) is positive, so the last row is on the positive side.
  assert.ok(xy[2 * (rows - 1)]! > 0);
  assert.ok(Math.abs(xy[2 * 10 + 1]!) < 0.02);
});

for (const method of ['pca', 'umap'] as const) {
  test(`${method}: shape [N, 2], inside [-1, 1], same seed → identical, clusters stay apart`, async () => {
    const { data, rows, dim, label } = clusters(12, 7);
    const a = await projectEmbeddings(data, rows, dim, method, { seed: 3 });
    const b = await projectEmbeddings(data, rows, dim, method, { seed: 3 });
    assert.equal(a.length, rows * 2);
    assert.deepEqual(a, b);
    for (const v of a) assert.ok(Number.isFinite(v) && v >= -1 - 1e-6 && v <= 1 + 1e-6, `coordinate ${v}`);
    // Each point's nearest point on the map has the same cluster.
    for (let i = 0; i < rows; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < rows; j++) {
        if (j === i) continue;
        const d = (a[2 * i]! - a[2 * j]!) ** 2 + (a[2 * i + 1]! - a[2 * j + 1]!) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      }
      assert.equal(label[best], label[i], `${method}: point ${i}'s nearest point is in another cluster`);
    }
  });
}

test('umap: another seed gives another layout; progress reaches the total', async () => {
  const { data, rows, dim } = clusters(10, 1);
  let last: [number, number] = [0, 0];
  const a = await projectEmbeddings(data, rows, dim, 'umap', { seed: 1, onProgress: (d, t) => (last = [d, t]) });
  const b = await projectEmbeddings(data, rows, dim, 'umap', { seed: 2 });
  assert.notDeepEqual(a, b);
  assert.ok(last[1] > 0 && last[0] === last[1], `progress ${last}`);
});

test('umap: cancelled through the signal', async () => {
  const { data, rows, dim } = clusters(10, 1);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(projectEmbeddings(data, rows, dim, 'umap', { seed: 1, signal: controller.signal }), { name: 'AbortError' });
});

test('0, 1, 2 and 3 points still get coordinates with both methods', async () => {
  for (const method of ['pca', 'umap'] as const) {
    assert.equal((await projectEmbeddings(new Float32Array(0), 0, 4, method, { seed: 0 })).length, 0);
    assert.deepEqual([...await projectEmbeddings(Float32Array.of(1, 2, 3, 4), 1, 4, method, { seed: 0 })], [0, 0]);
    const two = await projectEmbeddings(Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0), 2, 4, method, { seed: 0 });
    assert.equal(two.length, 4);
    assert.ok(Math.abs(Math.abs(two[0]! - two[2]!) - 2) < 1e-5, `two points span the box: ${two}`);
    const three = await projectEmbeddings(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3, method, { seed: 0 });
    assert.equal(three.length, 6);
    for (const v of three) assert.ok(Number.isFinite(v));
    // Scaled like any map: the longer side spans [-1, 1] (three distinct points, so it is not all at the origin).
    assert.ok(Math.abs(Math.max(...[...three].map(Math.abs)) - 1) < 1e-6, `three points span the box: ${three}`);
  }
});
