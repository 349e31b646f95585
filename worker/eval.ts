// Evaluation of an encoder with folder names as labels (issue 3 item 10): embed the
// train and test folders with the frozen encoder f, then kNN top-1 on cosine similarity
// or a linear probe on h (paper §4.2: h, not z, is evaluated).
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from './data/dataset.ts';
import { embedDataset, type EmbedOptions } from './embed.ts';
import { knnPredict, type KnnVote } from './eval/knn.ts';
import { accuracy, labelsFor, trainLabels } from './eval/labels.ts';
import { trainLinearProbe } from './eval/linear-probe.ts';
import { matrix } from './eval/matrix.ts';

export type EvalMethod = 'knn' | 'linear';

export interface EvalOptions extends EmbedOptions {
  readonly method: EvalMethod;
  /** kNN neighbours (default 20, clamped to the train size). */
  readonly k?: number;
  readonly vote?: KnnVote;
}

export interface EvalResult {
  readonly method: EvalMethod;
  readonly top1: number;
  /** kNN only: top-1 of the other vote, for comparison. */
  readonly top1Majority?: number;
  readonly k?: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly classes: readonly string[];
}

export async function evaluateEncoder(
  tfjs: typeof tf,
  encoder: tf.LayersModel,
  imageSize: number,
  train: ImageDataset,
  test: ImageDataset,
  options: EvalOptions,
): Promise<EvalResult> {
  const trainH = await embedDataset(tfjs, encoder, train, imageSize, options);
  const testH = await embedDataset(tfjs, encoder, test, imageSize, options);
  const trainItems = trainH.indices.map((i) => ({ label: train.images[i]!.file.label, path: train.images[i]!.file.path }));
  const testItems = testH.indices.map((i) => ({ label: test.images[i]!.file.label, path: test.images[i]!.file.path }));
  const { labels: yTrain, classes } = trainLabels(trainItems);
  const { labels: yTest } = labelsFor(testItems, classes);
  if (testItems.length === 0) throw new Error('the test folder has no usable images');
  const xTrain = matrix(trainH.data, trainH.rows, trainH.cols);
  const xTest = matrix(testH.data, testH.rows, testH.cols);
  const base = { nTrain: trainH.rows, nTest: testH.rows, classes };
  if (options.method === 'linear') {
    const probe = trainLinearProbe(xTrain, yTrain, classes.length);
    return { method: 'linear', top1: accuracy(probe.predict(xTest), yTest), ...base };
  }
  const k = Math.min(options.k ?? 20, trainH.rows);
  const top1 = accuracy(knnPredict(xTrain, yTrain, classes.length, xTest, { k, vote: options.vote ?? 'weighted' }), yTest);
  const top1Majority = accuracy(knnPredict(xTrain, yTrain, classes.length, xTest, { k, vote: 'majority' }), yTest);
  return { method: 'knn', top1, top1Majority, k, ...base };
}
