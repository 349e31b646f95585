// Evaluation on synthetic embeddings whose right answers are known.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { knnPredict } from '../../worker/eval/knn.ts';
import { accuracy, labelsFor, trainLabels } from '../../worker/eval/labels.ts';
import { trainLinearProbe } from '../../worker/eval/linear-probe.ts';
import { matrix, type Matrix } from '../../worker/eval/matrix.ts';

/** A tiny deterministic generator (LCG) for the synthetic data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `perClass` points around each of `classes` orthogonal centres in `dims` dims, plus noise. */
function clusters(classes: number, perClass: number, dims: number, noise: number, seed: number): { x: Matrix; y: Int32Array } {
  const random = lcg(seed);
  const data = new Float32Array(classes * perClass * dims);
  const y = new Int32Array(classes * perClass);
  for (let i = 0; i < classes * perClass; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < dims; j++) data[i * dims + j] = (j === c ? 1 : 0) + noise * (random() - 0.5);
  }
  return { x: matrix(data, classes * perClass, dims), y };
}

describe('kNN', () => {
  test('separable clusters are classified perfectly with both votes', () => {
    const train = clusters(4, 20, 8, 0.3, 1);
    const testSet = clusters(4, 10, 8, 0.3, 2);
    for (const vote of ['majority', 'weighted'] as const) {
      const predicted = knnPredict(train.x, train.y, 4, testSet.x, { k: 5, vote });
      assert.equal(accuracy(predicted, testSet.y), 1, vote);
    }
  });

  test('random labels give chance-level accuracy, not perfect', () => {
    const train = clusters(4, 25, 8, 0.3, 3);
    const random = lcg(77);
    const shuffled = train.y.map(() => Math.floor(random() * 4));
    const testSet = clusters(4, 25, 8, 0.3, 4);
    const top1 = accuracy(knnPredict(train.x, Int32Array.from(shuffled), 4, testSet.x, { k: 5, vote: 'majority' }), testSet.y);
    assert.ok(top1 < 0.6, `top1 ${top1}`);
  });

  test('majority and similarity-weighted votes differ as designed', () => {
    // One very close neighbour of class 0, two farther ones of class 1 (cosines
    // ≈ 0.999, 0.80, 0.79). Majority of k=3 says 1; exp(s/0.07) weights say 0.
    const angle = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
    const train = matrix(Float32Array.from([...angle(2), ...angle(36.9), ...angle(-37.8), ...angle(180)]), 4, 2);
    const labels = Int32Array.from([0, 1, 1, 0]);
    const query = matrix(Float32Array.from(angle(0)), 1, 2);
    assert.equal(knnPredict(train, labels, 2, query, { k: 3, vote: 'majority' })[0], 1);
    assert.equal(knnPredict(train, labels, 2, query, { k: 3, vote: 'weighted' })[0], 0);
    // k = 1 is the nearest neighbour.
    assert.equal(knnPredict(train, labels, 2, query, { k: 1, vote: 'majority' })[0], 0);
  });

  test('cosine, not Euclidean: scaling a vector does not change its neighbours', () => {
    const train = matrix(Float32Array.from([100, 0, 0, 0.01]), 2, 2);
    const query = matrix(Float32Array.from([0.001, 1]), 1, 2);
    assert.equal(knnPredict(train, Int32Array.from([0, 1]), 2, query, { k: 1, vote: 'majority' })[0], 1);
  });

  test('rejects a bad k and mismatched widths', () => {
    const a = clusters(2, 2, 3, 0.1, 5);
    assert.throws(() => knnPredict(a.x, a.y, 2, a.x, { k: 0, vote: 'majority' }), /k must be a positive integer/);
    assert.throws(() => knnPredict(a.x, a.y, 2, matrix(new Float32Array(4), 2, 2), { k: 1, vote: 'majority' }), /differ in width: 3 vs 2/);
  });
});

describe('linear probe', () => {
  test('learns a label carried by one feature among noise', () => {
    const random = lcg(9);
    const make = (n: number) => {
      const data = new Float32Array(n * 6);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = i % 3;
        for (let j = 0; j < 6; j++) data[i * 6 + j] = 5 * (random() - 0.5);
        data[i * 6 + 4] = y[i]! * 3 + (random() - 0.5); // only feature 4 tells the class
      }
      return { x: matrix(data, n, 6), y };
    };
    const train = make(90);
    const testSet = make(60);
    const probe = trainLinearProbe(train.x, train.y, 3);
    assert.ok(accuracy(probe.predict(testSet.x), testSet.y) >= 0.95);
  });

  test('cannot learn from features that carry nothing', () => {
    const random = lcg(11);
    const noise = (n: number) => matrix(Float32Array.from({ length: n * 4 }, () => random()), n, 4);
    const y = Int32Array.from({ length: 80 }, (_, i) => i % 2);
    const probe = trainLinearProbe(noise(80), y, 2);
    assert.ok(accuracy(probe.predict(noise(80)), y) < 0.75);
  });
});

describe('labels', () => {
  test('classes come from folder names, sorted, and the test split must use them', () => {
    const train = trainLabels([
      { label: 'dog', path: 'dog/1.png' },
      { label: 'cat', path: 'cat/1.png' },
    ]);
    assert.deepEqual(train.classes, ['cat', 'dog']);
    assert.deepEqual(Array.from(train.labels), [1, 0]);
    assert.throws(() => labelsFor([{ label: 'bird', path: 'bird/1.png' }], train.classes), /bird\/1.png: class 'bird' does not exist/);
    assert.throws(() => trainLabels([{ label: '', path: 'loose.png' }, { label: 'a', path: 'a/1.png' }]), /loose.png is directly in the folder/);
    assert.throws(() => trainLabels([{ label: 'a', path: 'a/1.png' }]), /at least two classes/);
  });
});
