// "Do the sub-folders look like labels, and how well does h separate them?": kNN
// accuracy with the first sub-folder as the class, by the engine's own kNN classifier
// (worker/eval/knn.ts, weighted vote). Every image is classified once, by the other
// half of the set (2-fold: even positions vote for odd ones and back), so an image is
// never its own neighbour. Runs in blocks of test rows, yielding to the event loop
// between them (O(N²·D) in all).
import type { LabelEvaluation } from '../../api/contract.ts';
import { knnPredict } from '../../../worker/eval/knn.ts';
import { trainLabels } from '../../../worker/eval/labels.ts';
import { matrix } from '../../../worker/eval/matrix.ts';
import type { LoadedSet } from './loaded-set.ts';
import { errorMessage } from '../../error-message.ts';

// Test rows per knnPredict call: ~32 × N/2 × D multiply-adds (≈ 20 ms at 10k × 128) between yields.
const BLOCK = 32;

export async function evaluateLabels(loaded: LoadedSet, k: number): Promise<LabelEvaluation> {
  const items = loaded.rows.map((r, p) => ({ label: loaded.labels[p]!, path: r.relPath }));
  let labelled;
  try {
    labelled = trainLabels(items);
  } catch (error) {
    return { available: false, reason: `the sub-folders do not look like labels: ${errorMessage(error)}` };
  }
  const { labels, classes } = labelled;
  if (items.length < 4) return { available: false, reason: `too few images (${items.length}) to measure accuracy: at least 4 are needed` };
  const predicted = new Int32Array(items.length);
  const kk = Math.min(k, Math.floor(items.length / 2));
  for (const parity of [0, 1]) {
    const trainRows = positions(items.length, 1 - parity);
    const testRows = positions(items.length, parity);
    const train = matrix(gather(loaded, trainRows), trainRows.length, loaded.index.dim);
    const trainY = Int32Array.from(trainRows, (p) => labels[p]!);
    for (let start = 0; start < testRows.length; start += BLOCK) {
      const block = testRows.slice(start, start + BLOCK);
      const test = matrix(gather(loaded, block), block.length, loaded.index.dim);
      const out = knnPredict(train, trainY, classes.length, test, { k: kk, vote: 'weighted' });
      block.forEach((p, j) => (predicted[p] = out[j]!));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const right = new Array<number>(classes.length).fill(0);
  const count = new Array<number>(classes.length).fill(0);
  labels.forEach((y, p) => {
    count[y]!++;
    if (predicted[p] === y) right[y]!++;
  });
  const total = right.reduce((a, b) => a + b, 0);
  return {
    available: true,
    k: kk,
    count: items.length,
    accuracy: total / items.length,
    classes: classes.map((label, c) => ({ label, count: count[c]!, accuracy: count[c] ? right[c]! / count[c]! : 0 })),
  };
}

function positions(n: number, parity: number): number[] {
  const out: number[] = [];
  for (let p = parity; p < n; p += 2) out.push(p);
  return out;
}

/** Unit vectors of the given positions: [positions.length, D]. */
function gather(loaded: LoadedSet, at: readonly number[]): Float32Array {
  const d = loaded.index.dim;
  const out = new Float32Array(at.length * d);
  at.forEach((p, j) => out.set(loaded.index.rowVector(p), j * d));
  return out;
}
