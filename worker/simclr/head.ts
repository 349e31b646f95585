// The projection head g of SimCLR (paper §2.1, §4.2): an MLP mapping the representation
// h to z, on which the loss is computed. The paper finds a nonlinear head improves h by
// >10% linear-probe accuracy, while h (not z) is the better representation downstream.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './config.ts';
import { createRng } from './rng.ts';

/** Seeds the head's initialisers apart from the encoder's (which uses config.seed itself). */
const HEAD_SEED_OFFSET = 0x6ead;

/**
 * g as a LayersModel named 'simclr_head': (Linear → BN → ReLU) × (projectionLayers − 1),
 * then a final Linear with bias to projectionOutputDim (SimCLR v1 layout; with
 * projectionLayers = 1 it is a single Linear). Hidden width: projectionHiddenDim, or
 * inputDim when null (the paper uses the width of h).
 * Input: h, [N, inputDim]. Output: z, [N, projectionOutputDim].
 */
export function createProjectionHead(
  config: Pick<TrainConfig, 'projectionLayers' | 'projectionHiddenDim' | 'projectionOutputDim' | 'seed'>,
  inputDim: number,
): tf.LayersModel {
  if (!Number.isInteger(inputDim) || inputDim < 1) throw new Error(`projection head input width must be a positive integer, got ${inputDim}`);
  if (!Number.isInteger(config.projectionLayers) || config.projectionLayers < 1) {
    throw new Error(`projectionLayers must be a positive integer, got ${config.projectionLayers}`);
  }
  const rng = createRng(config.seed + HEAD_SEED_OFFSET);
  const hidden = config.projectionHiddenDim ?? inputDim;
  const input = tf.input({ shape: [inputDim], name: 'h_in' }); // [N, D]
  let x: tf.SymbolicTensor = input;
  for (let i = 1; i < config.projectionLayers; i++) {
    x = tf.layers
      .dense({ name: `head_dense${i}`, units: hidden, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) }) })
      .apply(x) as tf.SymbolicTensor; // [N, hidden]
    x = tf.layers.batchNormalization({ name: `head_bn${i}`, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ name: `head_relu${i}`, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  }
  const z = tf.layers
    .dense({ name: 'head_out', units: config.projectionOutputDim, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) }) })
    .apply(x) as tf.SymbolicTensor; // [N, projectionOutputDim]
  return tf.model({ inputs: input, outputs: z, name: 'simclr_head' });
}
