// The base encoder f of SimCLR (paper §2.1, §B.9): a ResNet-18/34 (basic blocks) or
// ResNet-50 (bottleneck blocks, torchvision "v1.5": stride on the 3×3) with a width
// multiplier, ending in global average pooling, so h = f(x) is [N, D].
//
// Built only from stock tf.layers (conv2d, batchNormalization, activation, add,
// maxPooling2d, globalAveragePooling2d), so model.toJSON() round-trips through
// tf.loadLayersModel on any backend without registering custom classes.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './config.ts';
import { createRng, type Rng } from './rng.ts';

interface Architecture {
  /** Residual blocks per stage (4 stages). */
  readonly blocks: readonly [number, number, number, number];
  readonly bottleneck: boolean;
}

const ARCHITECTURES: Record<TrainConfig['backbone'], Architecture> = {
  resnet18: { blocks: [2, 2, 2, 2], bottleneck: false },
  resnet34: { blocks: [3, 4, 6, 3], bottleneck: false },
  resnet50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

/** Output channels of a bottleneck block relative to its inner width. */
const BOTTLENECK_EXPANSION = 4;
/** Batch-norm settings of google-research/simclr (decay 0.9, ε 1e-5). */
const BN_MOMENTUM = 0.9;
const BN_EPSILON = 1e-5;
const MIN_CHANNELS = 8;

/** Inner channels of the four stages: 64·w, 128·w, 256·w, 512·w, rounded, at least 8. */
export function stageWidths(width: number): [number, number, number, number] {
  if (!(width > 0)) throw new RangeError(`ResNet width multiplier must be positive, got ${width}`);
  const round = (c: number) => Math.max(MIN_CHANNELS, Math.round(c * width));
  return [round(64), round(128), round(256), round(512)];
}

/** D, the width of h = f(x): the channels of the last stage. */
export function encoderOutputDim(config: Pick<TrainConfig, 'backbone' | 'width'>): number {
  const architecture = ARCHITECTURES[config.backbone];
  if (!architecture) throw new Error(`unknown backbone '${config.backbone}' (expected resnet18, resnet34 or resnet50)`);
  const last = stageWidths(config.width)[3];
  return architecture.bottleneck ? BOTTLENECK_EXPANSION * last : last;
}

/** Builds layers with fixed names and seeded initialisers, so two builds of one config are identical. */
class LayerFactory {
  readonly rng: Rng;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  conv(name: string, filters: number, kernelSize: number, strides: number): tf.layers.Layer {
    return tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false, // batch norm follows and has its own shift
      kernelInitializer: tf.initializers.heNormal({ seed: this.rng.int(2 ** 31) }),
    });
  }

  /** zeroGamma: the last BN of a residual branch starts at 0, so each block starts as the identity (Goyal et al. 2017). */
  batchNorm(name: string, zeroGamma = false): tf.layers.Layer {
    return tf.layers.batchNormalization({
      name,
      axis: -1,
      momentum: BN_MOMENTUM,
      epsilon: BN_EPSILON,
      gammaInitializer: zeroGamma ? 'zeros' : 'ones',
    });
  }

  relu(name: string): tf.layers.Layer {
    return tf.layers.activation({ name, activation: 'relu' });
  }
}

type Symbolic = tf.SymbolicTensor;

function applyLayer(layer: tf.layers.Layer, input: Symbolic | Symbolic[]): Symbolic {
  return layer.apply(input) as Symbolic;
}

function channelsOf(x: Symbolic): number {
  return x.shape[x.shape.length - 1] as number;
}

/** Projection shortcut (1×1 conv + BN) when the block changes shape, identity otherwise. */
function shortcut(make: LayerFactory, name: string, x: Symbolic, outChannels: number, strides: number): Symbolic {
  if (strides === 1 && channelsOf(x) === outChannels) return x;
  const projected = applyLayer(make.conv(`${name}_proj_conv`, outChannels, 1, strides), x);
  return applyLayer(make.batchNorm(`${name}_proj_bn`), projected);
}

/** Basic block (He et al. 2016, Fig. 2 left): 3×3 → BN → ReLU → 3×3 → BN, + shortcut, ReLU. [N, H, W, C] → [N, H/s, W/s, F]. */
function basicBlock(make: LayerFactory, name: string, x: Symbolic, filters: number, strides: number): Symbolic {
  let y = applyLayer(make.conv(`${name}_conv1`, filters, 3, strides), x);
  y = applyLayer(make.relu(`${name}_relu1`), applyLayer(make.batchNorm(`${name}_bn1`), y));
  y = applyLayer(make.conv(`${name}_conv2`, filters, 3, 1), y);
  y = applyLayer(make.batchNorm(`${name}_bn2`, true), y);
  const sum = applyLayer(tf.layers.add({ name: `${name}_add` }), [y, shortcut(make, name, x, filters, strides)]);
  return applyLayer(make.relu(`${name}_out`), sum);
}

/** Bottleneck block (He et al. 2016, Fig. 5 right): 1×1 → 3×3 (stride) → 1×1 (×4), + shortcut. [N, H, W, C] → [N, H/s, W/s, 4F]. */
function bottleneckBlock(make: LayerFactory, name: string, x: Symbolic, filters: number, strides: number): Symbolic {
  const outChannels = BOTTLENECK_EXPANSION * filters;
  let y = applyLayer(make.conv(`${name}_conv1`, filters, 1, 1), x);
  y = applyLayer(make.relu(`${name}_relu1`), applyLayer(make.batchNorm(`${name}_bn1`), y));
  y = applyLayer(make.conv(`${name}_conv2`, filters, 3, strides), y);
  y = applyLayer(make.relu(`${name}_relu2`), applyLayer(make.batchNorm(`${name}_bn2`), y));
  y = applyLayer(make.conv(`${name}_conv3`, outChannels, 1, 1), y);
  y = applyLayer(make.batchNorm(`${name}_bn3`, true), y);
  const sum = applyLayer(tf.layers.add({ name: `${name}_add` }), [y, shortcut(make, name, x, outChannels, strides)]);
  return applyLayer(make.relu(`${name}_out`), sum);
}

/**
 * The encoder f as a LayersModel named 'simclr_encoder'.
 * Input: [N, S, S, 3] float32 RGB in [0, 1] (S = config.imageSize); no further
 * standardisation, as in google-research/simclr — the stem's batch norm absorbs the scale.
 * Output: h, [N, D] with D = encoderOutputDim(config).
 * Stem: 'cifar' = 3×3 conv stride 1, no max-pool (paper §B.9, for small images);
 * 'imagenet' = 7×7 conv stride 2 + 3×3 max-pool stride 2.
 * Weights are initialised from config.seed, so equal configs give equal encoders.
 */
export function createEncoder(config: Pick<TrainConfig, 'backbone' | 'width' | 'stem' | 'imageSize' | 'seed'>): tf.LayersModel {
  const architecture = ARCHITECTURES[config.backbone];
  if (!architecture) throw new Error(`unknown backbone '${config.backbone}' (expected resnet18, resnet34 or resnet50)`);
  if (config.stem !== 'cifar' && config.stem !== 'imagenet') throw new Error(`unknown stem '${config.stem}' (expected cifar or imagenet)`);
  const widths = stageWidths(config.width);
  const make = new LayerFactory(config.seed);

  const input = tf.input({ shape: [config.imageSize, config.imageSize, 3], name: 'image' }); // [N, S, S, 3]
  let x: Symbolic;
  if (config.stem === 'cifar') {
    x = applyLayer(make.conv('stem_conv', widths[0], 3, 1), input); // [N, S, S, C0]
    x = applyLayer(make.relu('stem_relu'), applyLayer(make.batchNorm('stem_bn'), x));
  } else {
    x = applyLayer(make.conv('stem_conv', widths[0], 7, 2), input); // [N, S/2, S/2, C0]
    x = applyLayer(make.relu('stem_relu'), applyLayer(make.batchNorm('stem_bn'), x));
    x = applyLayer(tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2, padding: 'same' }), x); // [N, S/4, S/4, C0]
  }
  const block = architecture.bottleneck ? bottleneckBlock : basicBlock;
  architecture.blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      // The first block of stages 2–4 halves the resolution.
      const strides = stage > 0 && b === 0 ? 2 : 1;
      x = block(make, `stage${stage + 1}_block${b + 1}`, x, widths[stage], strides);
    }
  }); // [N, S/8 (cifar) or S/32 (imagenet), ·, D]
  const h = applyLayer(tf.layers.globalAveragePooling2d({ name: 'h' }), x); // [N, D]
  return tf.model({ inputs: input, outputs: h, name: 'simclr_encoder' });
}
