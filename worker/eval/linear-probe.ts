// Linear evaluation on frozen representations (paper §4.2 / App. B.5): a softmax
// regression h → class trained on the train split, top-1 accuracy on the test split.
// Choice, for a small folder on a CPU: features standardised with the train split's
// mean and standard deviation, weights and biases from zero (the problem is convex, so
// the start does not matter), full-batch Adam (lr 0.05, β 0.9/0.999) for a fixed number
// of iterations with a small L2 penalty on the weights. Deterministic and
// backend-independent (plain float64 JS), so its numbers are comparable across runs.
import type { Matrix } from './matrix.ts';

export interface LinearProbeOptions {
  readonly iterations?: number;
  readonly learningRate?: number;
  readonly l2?: number;
}

export interface LinearProbe {
  /** Predicted class of each row of a [M, D] matrix. */
  predict(x: Matrix): Int32Array;
}

export function trainLinearProbe(x: Matrix, labels: Int32Array, numClasses: number, options: LinearProbeOptions = {}): LinearProbe {
  const { iterations = 300, learningRate = 0.05, l2 = 1e-4 } = options;
  const { rows: n, cols: d } = x;
  if (labels.length !== n) throw new Error('one label per training row is needed');
  if (n === 0) throw new Error('the linear probe needs at least one training example');
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mean[c]! += x.data[r * d + c]! / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) std[c]! += (x.data[r * d + c]! - mean[c]!) ** 2 / n;
  for (let c = 0; c < d; c++) std[c] = Math.sqrt(std[c]!) || 1;
  const standardise = (m: Matrix): Float64Array => {
    const out = new Float64Array(m.rows * d);
    for (let r = 0; r < m.rows; r++) for (let c = 0; c < d; c++) out[r * d + c] = (m.data[r * d + c]! - mean[c]!) / std[c]!;
    return out;
  };
  const xs = standardise(x); // [N, D]
  const params = (d + 1) * numClasses; // W [D, C] then b [C]
  const w = new Float64Array(params);
  const grad = new Float64Array(params);
  const m1 = new Float64Array(params);
  const m2 = new Float64Array(params);
  const logits = new Float64Array(numClasses);
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    for (let r = 0; r < n; r++) {
      // logits = x_r W + b, p = softmax(logits); dL/dlogits = p − onehot(y).
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) {
        let s = w[d * numClasses + k]!;
        for (let c = 0; c < d; c++) s += xs[r * d + c]! * w[c * numClasses + k]!;
        logits[k] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let k = 0; k < numClasses; k++) z += (logits[k] = Math.exp(logits[k]! - max));
      for (let k = 0; k < numClasses; k++) {
        const g = (logits[k]! / z - (labels[r] === k ? 1 : 0)) / n;
        grad[d * numClasses + k]! += g;
        for (let c = 0; c < d; c++) grad[c * numClasses + k]! += g * xs[r * d + c]!;
      }
    }
    for (let i = 0; i < d * numClasses; i++) grad[i]! += l2 * w[i]!;
    const c1 = 1 - 0.9 ** it;
    const c2 = 1 - 0.999 ** it;
    for (let i = 0; i < params; i++) {
      m1[i] = 0.9 * m1[i]! + 0.1 * grad[i]!;
      m2[i] = 0.999 * m2[i]! + 0.001 * grad[i]! ** 2;
      w[i]! -= (learningRate * (m1[i]! / c1)) / (Math.sqrt(m2[i]! / c2) + 1e-8);
    }
  }
  return {
    predict(test: Matrix): Int32Array {
      if (test.cols !== d) throw new Error(`linear probe: expected ${d} features, got ${test.cols}`);
      const xt = standardise(test);
      const out = new Int32Array(test.rows);
      for (let r = 0; r < test.rows; r++) {
        let best = 0;
        let bestScore = -Infinity;
        for (let k = 0; k < numClasses; k++) {
          let s = w[d * numClasses + k]!;
          for (let c = 0; c < d; c++) s += xt[r * d + c]! * w[c * numClasses + k]!;
          if (s > bestScore) [best, bestScore] = [k, s];
        }
        out[r] = best;
      }
      return out;
    },
  };
}
