// The SimCLR networks and their parameters: the encoder f (resnet.ts), the projection
// head g (head.ts), and the stable names the optimiser and checkpoints key them by.
import * as tf from '@tensorflow/tfjs';

export { createEncoder, encoderOutputDim, stageWidths } from './resnet.ts';
export { createProjectionHead } from './head.ts';

/** A variable with a name that is stable across processes and rebuilds, e.g. 'stage1_block1_conv1/kernel'. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * The named weights of the given models. The name is the layer's name + '/' + weight
 * name (LayerVariable.originalName), not the engine's variable name, which tfjs suffixes
 * with _1, _2 … when a model with the same layer names is built twice in one process.
 * Throws when two models share a layer name (their state could not be told apart).
 */
function namedWeights(models: readonly tf.LayersModel[], trainable: boolean): NamedVariable[] {
  const out: NamedVariable[] = [];
  const seen = new Set<string>();
  for (const model of models) {
    for (const weight of trainable ? model.trainableWeights : model.nonTrainableWeights) {
      if (seen.has(weight.originalName)) {
        throw new Error(`two weights are named '${weight.originalName}': the models must use distinct layer names`);
      }
      seen.add(weight.originalName);
      out.push({ name: weight.originalName, variable: weight.read() as tf.Variable });
    }
  }
  return out;
}

/** The trainable parameters (kernels, biases, BN γ and β) of f and g, in a fixed order. */
export function trainableVariables(...models: tf.LayersModel[]): NamedVariable[] {
  return namedWeights(models, true);
}

/** The batch-norm moving means and variances: updated by forward passes in training mode, not by the optimiser. */
export function movingStatistics(...models: tf.LayersModel[]): NamedVariable[] {
  return namedWeights(models, false);
}

/** Number of trainable scalars (what papers quote: 11.2M for ResNet-18, 23.5M for ResNet-50, without fc). */
export function countTrainableParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
