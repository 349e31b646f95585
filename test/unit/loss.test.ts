// NT-Xent against an independent float64 reference written with plain loops, the
// analytic all-equal case, view-swap symmetry and a finite-difference gradient check.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ntXentLoss } from '../../worker/simclr/loss.ts';
import { createRng } from '../../worker/simclr/rng.ts';

before(async () => {
  await tf.setBackend('cpu');
});

/** Plain float64 NT-Xent (paper eq. 1), mean over the 2N anchors. Rows: z1 then z2. */
function referenceNtXent(z1: number[][], z2: number[][], tau: number): { loss: number; accuracy: number } {
  const rows = [...z1, ...z2].map((r) => {
    const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
    return r.map((v) => v / norm);
  });
  const m = rows.length;
  const n = z1.length;
  let total = 0;
  let correct = 0;
  for (let k = 0; k < m; k++) {
    const p = k < n ? k + n : k - n;
    const sims: number[] = [];
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let c = 0; c < rows[k].length; c++) dot += rows[k][c] * rows[j][c];
      sims.push(dot / tau);
    }
    let denominator = 0;
    let best = -Infinity;
    let bestJ = -1;
    for (let j = 0; j < m; j++) {
      if (j === k) continue;
      denominator += Math.exp(sims[j]);
      if (sims[j] > best) {
        best = sims[j];
        bestJ = j;
      }
    }
    total += -Math.log(Math.exp(sims[p]) / denominator);
    if (bestJ === p) correct++;
  }
  return { loss: total / m, accuracy: correct / m };
}

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-1, 1)));
}

function lossOf(z1: number[][], z2: number[][], tau: number): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const r = ntXentLoss(tf.tensor2d(z1), tf.tensor2d(z2), tau);
    return { loss: r.loss.dataSync()[0], accuracy: r.accuracy.dataSync()[0] };
  });
}

test('matches a float64 reference on random embeddings for several N, d and τ', () => {
  for (const [n, d, tau, seed] of [
    [2, 3, 0.5, 1],
    [5, 8, 0.1, 2],
    [8, 16, 1.0, 3],
  ] as const) {
    const z1 = randomMatrix(n, d, seed);
    const z2 = randomMatrix(n, d, seed + 100);
    const expected = referenceNtXent(z1, z2, tau);
    const actual = lossOf(z1, z2, tau);
    assert.ok(Math.abs(actual.loss - expected.loss) < 1e-4 * Math.max(1, expected.loss), `N=${n}: ${actual.loss} vs ${expected.loss}`);
    assert.equal(actual.accuracy, Math.fround(expected.accuracy));
  }
});

test('identical embeddings give log(2N − 1) (each anchor cannot tell its partner from the negatives)', () => {
  for (const n of [2, 4, 7]) {
    const row = [0.3, -1.2, 2.0, 0.5];
    const z = Array.from({ length: n }, () => row.map((v) => v * 3)); // scale must not matter
    assert.ok(Math.abs(lossOf(z, z, 0.5).loss - Math.log(2 * n - 1)) < 1e-5);
  }
});

test('perfectly aligned pairs with orthogonal negatives give a small loss and accuracy 1', () => {
  const z = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const r = lossOf(z, z, 0.1);
  assert.equal(r.accuracy, 1);
  // Reference: −log(e^{10} / (e^{10} + 4·e^{0})).
  assert.ok(Math.abs(r.loss - -Math.log(Math.exp(10) / (Math.exp(10) + 4))) < 1e-5);
});

test('stays finite and exact at a very low temperature (log-sum-exp is stabilised)', () => {
  const z1 = randomMatrix(4, 6, 21);
  const z2 = randomMatrix(4, 6, 22);
  const expected = referenceNtXent(z1, z2, 0.005);
  const actual = lossOf(z1, z2, 0.005);
  assert.ok(Number.isFinite(actual.loss));
  assert.ok(Math.abs(actual.loss - expected.loss) < 1e-3 * Math.max(1, expected.loss), `${actual.loss} vs ${expected.loss}`);
});

test('is symmetric under swapping the two views', () => {
  const z1 = randomMatrix(6, 5, 7);
  const z2 = randomMatrix(6, 5, 8);
  const a = lossOf(z1, z2, 0.3);
  const b = lossOf(z2, z1, 0.3);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5);
  assert.equal(a.accuracy, b.accuracy);
});

test('its gradient matches central finite differences of the float64 reference', () => {
  const n = 3;
  const d = 4;
  const tau = 0.5;
  const z1 = randomMatrix(n, d, 11);
  const z2 = randomMatrix(n, d, 12);
  const [g1, g2] = tf.tidy(() => {
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, tau).loss)([
      tf.tensor2d(z1),
      tf.tensor2d(z2),
    ]);
    return grads.map((g) => g.arraySync() as number[][]);
  });
  const h = 1e-6;
  for (const [which, z, g] of [
    [0, z1, g1],
    [1, z2, g2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        const plus = z.map((r) => [...r]);
        const minus = z.map((r) => [...r]);
        plus[i][c] += h;
        minus[i][c] -= h;
        const lp = which === 0 ? referenceNtXent(plus, z2, tau).loss : referenceNtXent(z1, plus, tau).loss;
        const lm = which === 0 ? referenceNtXent(minus, z2, tau).loss : referenceNtXent(z1, minus, tau).loss;
        const numeric = (lp - lm) / (2 * h);
        assert.ok(Math.abs(g[i][c] - numeric) < 1e-4, `view ${which} [${i},${c}]: autodiff ${g[i][c]} vs numeric ${numeric}`);
      }
    }
  }
});

test('rejects mismatched views, a single pair and a non-positive temperature with a clear message', () => {
  tf.tidy(() => {
    assert.throws(() => ntXentLoss(tf.zeros([3, 4]), tf.zeros([2, 4]), 0.5), /must both be \[N, d\]/);
    assert.throws(() => ntXentLoss(tf.ones([1, 4]), tf.ones([1, 4]), 0.5), /at least 2 pairs/);
    assert.throws(() => ntXentLoss(tf.ones([2, 4]), tf.ones([2, 4]), 0), /temperature must be a positive/);
  });
});

test('does not leak tensors', () => {
  const before = tf.memory().numTensors;
  const r = ntXentLoss(tf.tensor2d(randomMatrix(4, 3, 5)), tf.tensor2d(randomMatrix(4, 3, 6)), 0.5);
  r.loss.dispose();
  r.accuracy.dispose();
  // The two inputs created inline are the only survivors.
  assert.equal(tf.memory().numTensors, before + 2);
});
