// k-nearest-neighbour classification on cosine similarity of frozen representations h,
// the standard quick probe of self-supervised features (Wu et al. 2018; used for
// SimCLR-style models by solo-learn and DINO).
// Votes:
// - 'majority': each of the k neighbours gives one vote; a tie goes to the class whose
//   tied neighbours are more similar in total, then to the lower class index.
// - 'weighted': neighbour j votes exp(s_j / T), T = 0.07 (Wu et al. 2018), so nearer
//   neighbours count more.
import { l2NormalizeRows, type Matrix } from './matrix.ts';

export type KnnVote = 'majority' | 'weighted';

export interface KnnOptions {
  readonly k: number;
  readonly vote: KnnVote;
  /** Temperature of the weighted vote. */
  readonly temperature?: number;
}

/** Predicted class of each test row: test [M, D] against train [N, D] with labels [N]. */
export function knnPredict(train: Matrix, labels: Int32Array, numClasses: number, test: Matrix, options: KnnOptions): Int32Array {
  const { vote, temperature = 0.07 } = options;
  if (!Number.isInteger(options.k) || options.k < 1) throw new Error(`k must be a positive integer, got ${options.k}`);
  if (train.cols !== test.cols) throw new Error(`train and test embeddings differ in width: ${train.cols} vs ${test.cols}`);
  if (labels.length !== train.rows) throw new Error('one label per training row is needed');
  const k = Math.min(options.k, train.rows);
  const a = l2NormalizeRows(train);
  const b = l2NormalizeRows(test);
  const d = a.cols;
  const predictions = new Int32Array(test.rows);
  const topSim = new Float64Array(k);
  const topIdx = new Int32Array(k);
  const votes = new Float64Array(numClasses);
  const simSum = new Float64Array(numClasses);
  for (let t = 0; t < b.rows; t++) {
    let filled = 0;
    for (let n = 0; n < a.rows; n++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += b.data[t * d + c]! * a.data[n * d + c]!;
      if (filled < k || s > topSim[filled - 1]!) {
        // Insertion into the descending top-k list.
        let p = filled < k ? filled++ : k - 1;
        while (p > 0 && topSim[p - 1]! < s) {
          topSim[p] = topSim[p - 1]!;
          topIdx[p] = topIdx[p - 1]!;
          p--;
        }
        topSim[p] = s;
        topIdx[p] = n;
      }
    }
    votes.fill(0);
    simSum.fill(0);
    for (let j = 0; j < filled; j++) {
      const cls = labels[topIdx[j]!]!;
      votes[cls]! += vote === 'weighted' ? Math.exp(topSim[j]! / temperature) : 1;
      simSum[cls]! += topSim[j]!;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (votes[c]! > votes[best]! || (votes[c] === votes[best] && simSum[c]! > simSum[best]!)) best = c;
    }
    predictions[t] = best;
  }
  return predictions;
}
