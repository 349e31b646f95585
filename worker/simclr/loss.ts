// NT-Xent, the normalised-temperature cross-entropy loss of SimCLR (Chen et al. 2020,
// §2.1, eq. 1), with the in-batch positive-pair accuracy reported during training.
import * as tf from '@tensorflow/tfjs';

/** Added to the self-similarity logits so exp() of them is exactly 0 in float32. */
const SELF_MASK = -1e9;

export interface NtXentResult {
  /** Mean NT-Xent over the 2N anchors (paper eq. 1 averaged as in Alg. 1). */
  readonly loss: tf.Scalar;
  /** Fraction of the 2N anchors whose most similar other view is their own partner. */
  readonly accuracy: tf.Scalar;
}

/** Rows of a [rows, d] matrix scaled to unit L2 norm (ε keeps a zero row finite). */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-24)); // [rows, 1]
    return tf.div(z, norm) as tf.Tensor2D; // [rows, d]
  });
}

/**
 * NT-Xent loss (paper eq. 1) of a batch of N positive pairs.
 *
 * z1, z2: [N, d], the projections g(f(x̃)) of the two views; row i of z1 and row i of
 * z2 come from the same image. The 2N rows are L2-normalised, their cosine similarities
 * divided by τ form [2N, 2N] logits, the diagonal (self-similarity) is masked out, and
 * each anchor k is scored by the cross-entropy of picking its partner among the other
 * 2N − 1 views (2(N − 1) negatives):
 *   ℓ(k) = −log( exp(sim(k, p(k))/τ) / Σ_{j≠k} exp(sim(k, j)/τ) ).
 * Reduction: the MEAN over all 2N anchors, as in the paper's Algorithm 1
 * (L = 1/(2N) Σ_k [ℓ(2k−1, 2k) + ℓ(2k, 2k−1)]). Some code bases instead report the sum
 * of the two directions' means, i.e. twice this value.
 * So N = 2 identical embeddings give log(2N − 1) = log 3.
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): NtXentResult {
  if (z1.rank !== 2 || z2.rank !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new Error(`ntXentLoss: the two views must both be [N, d], got [${z1.shape}] and [${z2.shape}]`);
  }
  const n = z1.shape[0];
  if (n < 2) throw new Error(`ntXentLoss: a batch needs at least 2 pairs (the negatives are the other pairs), got ${n}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(`ntXentLoss: temperature must be a positive number, got ${temperature}`);
  }
  return tf.tidy(() => {
    const twoN = 2 * n;
    const z = l2Normalize(tf.concat([z1, z2], 0) as tf.Tensor2D); // [2N, d]
    const similarity = tf.div(tf.matMul(z, z, false, true), temperature); // [2N, 2N]
    const self = tf.eye(twoN); // [2N, 2N]
    const logits = tf.add(similarity, tf.mul(self, SELF_MASK)); // [2N, 2N], diagonal ≈ −∞
    // The partner of anchor k is k + N for k < N and k − N otherwise.
    const partnerIndex = tf.tensor1d(
      Array.from({ length: twoN }, (_, k) => (k + n) % twoN),
      'int32',
    ); // [2N]
    const partner = tf.oneHot(partnerIndex, twoN).toFloat(); // [2N, 2N]
    const positiveLogit = tf.sum(tf.mul(logits, partner), 1); // [2N]
    const perAnchor = tf.sub(tf.logSumExp(logits, 1), positiveLogit); // [2N]
    const loss = tf.mean(perAnchor) as tf.Scalar;
    const predicted = tf.argMax(logits, 1); // [2N]
    const accuracy = tf.mean(tf.equal(predicted, partnerIndex).toFloat()) as tf.Scalar;
    return { loss, accuracy };
  });
}
