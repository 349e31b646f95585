// The training configuration: one zod schema, validated where it enters (CLI flags,
// API calls, stored rows), then resolved once into a fully explicit, readonly config
// whose every derived default (learning rate, weight decay, warm-up, small-image
// augmentation preset, stem) is written out, so a checkpoint records exactly what ran.
//
// Defaults follow SimCLR (Chen et al., 2020, §B.9 and App. A) and google-research/simclr;
// see ../shared/DESIGN.md §1.
import { z } from 'zod';

export const BACKBONES = ['resnet18', 'resnet34', 'resnet50'] as const;
export const OPTIMIZERS = ['lars', 'sgd', 'adamw'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** Images at or below this side use the CIFAR preset (paper App. B.9). */
export const SMALL_IMAGE_MAX = 64;

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');
/** A [low, high] range of positive numbers, optionally capped at `max`. */
const positiveRange = (max = Number.POSITIVE_INFINITY) =>
  range.refine(([lo, hi]) => lo > 0 && hi <= max, max === Number.POSITIVE_INFINITY ? 'both ends must be > 0' : `both ends must be in (0, ${max}]`);

export const augmentSchema = z.object({
  /** Random resized crop: fraction of the area and aspect ratio (paper App. A). */
  cropScale: positiveRange(1).default([0.08, 1]),
  cropRatio: positiveRange().default([3 / 4, 4 / 3]),
  flipP: z.number().min(0).max(1).default(0.5),
  /** Colour jitter strength s: brightness, contrast, saturation 0.8·s, hue 0.2·s. */
  jitterStrength: z.number().min(0).max(2).optional(),
  jitterP: z.number().min(0).max(1).default(0.8),
  grayscaleP: z.number().min(0).max(1).default(0.2),
  blurP: z.number().min(0).max(1).optional(),
  blurSigma: positiveRange().default([0.1, 2]),
});

export const trainConfigSchema = z.object({
  imageSize: z.number().int().min(8, 'image size must be at least 8 pixels').max(512).default(32),
  batchSize: z.number().int().min(2, 'a batch needs at least two images (one positive pair each, the rest negatives)').default(32),
  epochs: z.number().int().min(1).default(10),
  backbone: z.enum(BACKBONES).default('resnet18'),
  /** Width multiplier of the ResNet (1 = 64 channels in the first stage). */
  width: z.number().positive().max(4).default(0.25),
  /** 'auto': CIFAR stem (3×3 stride 1, no max-pool) for images ≤ 64 px, ImageNet stem otherwise. */
  stem: z.enum(['auto', 'cifar', 'imagenet']).default('auto'),
  /** Projection head g: Linear–BN–ReLU–…–Linear. hiddenDim null = the width of h. */
  projectionHiddenDim: z.number().int().positive().nullable().default(null),
  projectionOutputDim: z.number().int().positive().default(128),
  projectionLayers: z.number().int().min(1).max(4).default(2),
  temperature: z.number().positive().max(10).default(0.5),
  /** 'annealed': τ_t = τ0 / (1 + ln t) (t = step + 1). */
  temperatureSchedule: z.enum(['constant', 'annealed']).default('constant'),
  optimizer: z.enum(OPTIMIZERS).default('lars'),
  /** Peak learning rate; when absent it is derived from the optimiser and batch size. */
  lr: z.number().positive().optional(),
  lrScaling: z.enum(['linear', 'sqrt']).default('sqrt'),
  weightDecay: z.number().min(0).optional(),
  momentum: z.number().min(0).max(1).default(0.9),
  /** Linear warm-up length; absent = 10 epochs, capped at a tenth of the run. */
  warmupEpochs: z.number().min(0).optional(),
  augment: augmentSchema.default(augmentSchema.parse({})),
  seed: z.number().int().min(0).default(0),
  /** Keep every K-th epoch's checkpoint besides the last one. */
  checkpointEvery: z.number().int().min(1).default(10),
});

export type TrainConfigInput = z.input<typeof trainConfigSchema>;

export interface AugmentConfig {
  readonly cropScale: readonly [number, number];
  readonly cropRatio: readonly [number, number];
  readonly flipP: number;
  readonly jitterStrength: number;
  readonly jitterP: number;
  readonly grayscaleP: number;
  readonly blurP: number;
  readonly blurSigma: readonly [number, number];
}

/** A config with every default resolved. Stored in checkpoints and runs. */
export interface TrainConfig {
  readonly imageSize: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly backbone: (typeof BACKBONES)[number];
  readonly width: number;
  readonly stem: 'cifar' | 'imagenet';
  readonly projectionHiddenDim: number | null;
  readonly projectionOutputDim: number;
  readonly projectionLayers: number;
  readonly temperature: number;
  readonly temperatureSchedule: 'constant' | 'annealed';
  readonly optimizer: (typeof OPTIMIZERS)[number];
  readonly lr: number;
  readonly lrScaling: 'linear' | 'sqrt';
  readonly weightDecay: number;
  readonly momentum: number;
  readonly warmupEpochs: number;
  readonly augment: AugmentConfig;
  readonly seed: number;
  readonly checkpointEvery: number;
}

/**
 * Peak learning rate from the paper's scaling rules:
 * LARS 0.3·B/256 (linear) or 0.075·√B (square root, better for small batches, App. B.1);
 * SGD+momentum 0.06·B/128 (linear) or the same value at B=128 scaled by √(B/128);
 * AdamW 1e-3·B/256 or 1e-3·√(B/256).
 */
export function scaledLearningRate(optimizer: TrainConfig['optimizer'], scaling: TrainConfig['lrScaling'], batchSize: number): number {
  switch (optimizer) {
    case 'lars':
      return scaling === 'linear' ? (0.3 * batchSize) / 256 : 0.075 * Math.sqrt(batchSize);
    case 'sgd':
      return scaling === 'linear' ? (0.06 * batchSize) / 128 : 0.06 * Math.sqrt(batchSize / 128);
    case 'adamw':
      return scaling === 'linear' ? (1e-3 * batchSize) / 256 : 1e-3 * Math.sqrt(batchSize / 256);
  }
}

const DEFAULT_WEIGHT_DECAY: Record<TrainConfig['optimizer'], number> = { lars: 1e-6, sgd: 5e-4, adamw: 1e-4 };

/** Validates raw input (throws zod's error, whose messages name the field) and resolves every default. */
export function resolveTrainConfig(input: TrainConfigInput): TrainConfig {
  const c = trainConfigSchema.parse(input);
  const small = c.imageSize <= SMALL_IMAGE_MAX;
  return Object.freeze({
    ...c,
    stem: c.stem === 'auto' ? (small ? 'cifar' : 'imagenet') : c.stem,
    lr: c.lr ?? scaledLearningRate(c.optimizer, c.lrScaling, c.batchSize),
    weightDecay: c.weightDecay ?? DEFAULT_WEIGHT_DECAY[c.optimizer],
    warmupEpochs: c.warmupEpochs ?? Math.min(10, c.epochs / 10),
    augment: Object.freeze({
      ...c.augment,
      // Small-image preset (CIFAR-like): jitter strength 0.5 and no blur (paper App. B.9).
      jitterStrength: c.augment.jitterStrength ?? (small ? 0.5 : 1.0),
      blurP: c.augment.blurP ?? (small ? 0 : 0.5),
    }),
  });
}
