// LARS, Layer-wise Adaptive Rate Scaling (You, Gitman & Ginsburg 2017), as SimCLR uses
// it for large-batch training (paper §2.2), following google-research/simclr's
// lars_optimizer.py with classic (non-Nesterov) momentum:
//   g' = g + wd·w                                  (weight decay, unless excluded)
//   trust = η·‖w‖ / ‖g'‖  (1 if either norm is 0)   (layer adaptation, unless excluded)
//   v ← μ·v + lr·trust·g'
//   w ← w − v
// Batch-norm parameters and biases are excluded from both weight decay and adaptation
// (the caller decides which, see optimizer.ts).
import * as tf from '@tensorflow/tfjs';

/** η, the trust coefficient of LARS (paper and google-research/simclr: 0.001). */
export const LARS_TRUST_COEFFICIENT = 0.001;

export interface LarsStep {
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  /** false for biases and batch-norm γ/β: no weight decay and no trust ratio. */
  readonly adapt: boolean;
}

/**
 * One LARS update of one variable. param, grad, velocity: same shape (any).
 * Returns the new parameter and velocity (new tensors; the caller assigns and disposes).
 */
export function larsUpdate(
  param: tf.Tensor,
  grad: tf.Tensor,
  velocity: tf.Tensor,
  step: LarsStep,
): { param: tf.Tensor; velocity: tf.Tensor } {
  return tf.tidy(() => {
    let g = grad;
    let scaledLr: tf.Tensor | number = step.learningRate;
    if (step.adapt) {
      if (step.weightDecay > 0) g = tf.add(g, tf.mul(param, step.weightDecay));
      const wNorm = tf.norm(param); // scalar
      const gNorm = tf.norm(g); // scalar
      const one = tf.onesLike(wNorm);
      const ratio = tf.where(
        tf.greater(wNorm, 0),
        tf.where(tf.greater(gNorm, 0), tf.div(tf.mul(wNorm, LARS_TRUST_COEFFICIENT), gNorm), one),
        one,
      ); // scalar
      scaledLr = tf.mul(ratio, step.learningRate);
    }
    const nextVelocity = tf.add(tf.mul(velocity, step.momentum), tf.mul(g, scaledLr));
    return { param: tf.sub(param, nextVelocity), velocity: nextVelocity };
  });
}
