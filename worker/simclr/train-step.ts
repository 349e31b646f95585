// One SimCLR optimisation step (paper Alg. 1, one iteration): both views through f and g
// in training mode, NT-Xent on z, gradients of every trainable parameter, and the
// optimiser's update — unless the loss is not finite, in which case nothing changes.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './config.ts';
import { l2Normalize, ntXentLoss } from './loss.ts';
import { movingStatistics, trainableVariables } from './model.ts';
import type { SimclrOptimizer } from './optimizer.ts';
import { learningRateAt, temperatureAt } from './schedule.ts';

export interface TrainStepContext {
  readonly encoder: tf.LayersModel;
  readonly head: tf.LayersModel;
  /** Created with createOptimizer(config, trainableVariables(encoder, head)). */
  readonly optimizer: SimclrOptimizer;
  readonly config: Pick<TrainConfig, 'lr' | 'epochs' | 'warmupEpochs' | 'temperature' | 'temperatureSchedule'>;
  /** 0-based index of this step in the whole run (drives the lr and τ schedules). */
  readonly step: number;
  readonly stepsPerEpoch: number;
}

export interface TrainStepResult {
  /** Mean NT-Xent over the 2N views; NaN or ±Infinity means the step was NOT applied. */
  readonly loss: number;
  /** Fraction of the 2N views whose nearest other view is their partner. */
  readonly accuracy: number;
  readonly lr: number;
  readonly temperature: number;
  /** Mean over dimensions of the std over the 2N views of L2-normalised z: ≈ 1/√d healthy, → 0 on collapse. */
  readonly zStd: number;
}

/** Mean over the d dimensions of the std over rows of L2-normalised z. z: [2N, d] → scalar. */
export function normalizedStd(z: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const { variance } = tf.moments(l2Normalize(z), 0); // [d]
    return tf.mean(tf.sqrt(variance)) as tf.Scalar;
  });
}

/**
 * One training step. views: the two augmented views, each [N, S, S, 3] float32 in [0, 1]
 * (augmentPair's output; the caller keeps ownership). Both views go through f and g as
 * one [2N] batch in training mode — so batch norm normalises over all 2N views and
 * updates its moving statistics, as google-research/simclr does on one device.
 *
 * Sets the learning rate (learningRateAt) and temperature (temperatureAt) of ctx.step,
 * applies the optimiser (its weight-decay rules included) and returns plain numbers.
 * A non-finite loss applies no update and restores the batch-norm moving statistics, so
 * the networks are exactly as before the call; the caller sees it in `loss`.
 * Allocates no lasting tensors (tf.memory().numTensors is unchanged afterwards).
 */
export function trainStep(ctx: TrainStepContext, views: readonly [tf.Tensor4D, tf.Tensor4D]): TrainStepResult {
  const [first, second] = views;
  if (first.rank !== 4 || !tf.util.arraysEqual(first.shape, second.shape)) {
    throw new Error(`trainStep: the two views must have the same [N, S, S, 3] shape, got [${first.shape}] and [${second.shape}]`);
  }
  const n = first.shape[0];
  const lr = learningRateAt(ctx.step, ctx.config, ctx.stepsPerEpoch);
  const temperature = temperatureAt(ctx.step, ctx.config);
  const params = trainableVariables(ctx.encoder, ctx.head);
  // Cheap snapshots (clones share the data) to undo the moving-statistics update of a bad step.
  const statistics = movingStatistics(ctx.encoder, ctx.head);
  const snapshot = statistics.map((s) => tf.clone(s.variable));
  let aux: tf.Tensor | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.concat([first, second], 0); // [2N, S, S, 3]
      const h = ctx.encoder.apply(x, { training: true }) as tf.Tensor2D; // [2N, D]
      const z = ctx.head.apply(h, { training: true }) as tf.Tensor2D; // [2N, d]
      const [z1, z2] = tf.split(z, [n, n], 0) as [tf.Tensor2D, tf.Tensor2D]; // [N, d] each
      const { loss, accuracy } = ntXentLoss(z1, z2, temperature);
      aux = tf.keep(tf.stack([accuracy, normalizedStd(z)])); // [2]
      return loss;
    }, params.map((p) => p.variable));
    try {
      const loss = value.dataSync()[0];
      const [accuracy, zStd] = aux!.dataSync();
      if (Number.isFinite(loss)) {
        ctx.optimizer.setLearningRate(lr);
        ctx.optimizer.applyGradients(grads);
      } else {
        statistics.forEach((s, i) => s.variable.assign(snapshot[i]));
      }
      return { loss, accuracy, lr, temperature, zStd };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    tf.dispose(snapshot);
    aux?.dispose();
  }
}
