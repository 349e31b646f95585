// Every setting of the engine (worker/simclr/config.ts trainConfigSchema), described
// for the "Advanced" form and the config tables: a label, what it means in the SimCLR
// paper (Chen et al., 2020) in plain words, and how it is edited. The form is rendered
// from this list, so a setting cannot be forgotten in one place and shown in another.
// Validation is the backend's (the engine's schema); bounds here only guide the inputs.

export type FieldKind =
  | { type: 'number'; min?: number; max?: number; step: number }
  | { type: 'select'; options: readonly { value: string; label: string }[] }
  | { type: 'range'; min: number; max?: number; step: number };

export interface ConfigField {
  /** Path in the config input, e.g. ['augment', 'cropScale']. */
  path: readonly string[];
  label: string;
  /** The paper's meaning and the practical effect, in sentences. */
  description: string;
  kind: FieldKind;
  /**
   * Settings whose default is derived from others (absent or null = derived): what
   * "automatic" means, and the value a person starts from when they override it.
   */
  auto?: { text: string; manualStart: number; nullable?: boolean };
}

export interface FieldGroup {
  title: string;
  fields: readonly ConfigField[];
}

const probability = { type: 'number', min: 0, max: 1, step: 0.05 } as const;

export const CONFIG_GROUPS: readonly FieldGroup[] = [
  {
    title: 'Data and schedule',
    fields: [
      { path: ['imageSize'], label: 'Image size (px)', kind: { type: 'number', min: 8, max: 512, step: 8 }, description: 'Side of the square views the encoder sees. Larger shows more detail but every step costs about its square. The paper trains CIFAR-10 at 32 px and ImageNet at 224 px.' },
      { path: ['batchSize'], label: 'Batch size', kind: { type: 'number', min: 2, step: 1 }, description: 'Images per step. Each image’s two views must find each other among the 2(N−1) other views, so a larger batch gives more negatives; SimCLR benefits from large batches more than supervised learning (paper §5.2). Bounded by memory.' },
      { path: ['epochs'], label: 'Epochs', kind: { type: 'number', min: 1, step: 1 }, description: 'Passes over all images. Contrastive learning keeps improving with longer training (paper Fig. 9).' },
      { path: ['seed'], label: 'Random seed', kind: { type: 'number', min: 0, step: 1 }, description: 'Fixes the initial weights, the order of images and the augmentations, so a run can be repeated exactly.' },
      { path: ['checkpointEvery'], label: 'Keep a checkpoint every … epochs', kind: { type: 'number', min: 1, step: 1 }, description: 'Besides the latest checkpoint (always kept, for resuming), keep every K-th epoch’s.' },
    ],
  },
  {
    title: 'Encoder f',
    fields: [
      { path: ['backbone'], label: 'Backbone', kind: { type: 'select', options: [{ value: 'resnet18', label: 'ResNet-18' }, { value: 'resnet34', label: 'ResNet-34' }, { value: 'resnet50', label: 'ResNet-50' }] }, description: 'The base encoder f, a ResNet ending in global average pooling; its output is the representation h used by the explorer. Deeper and wider encoders learn better representations (paper §4.1).' },
      { path: ['width'], label: 'Width multiplier', kind: { type: 'number', min: 0.0625, max: 4, step: 0.0625 }, description: '1 = the standard ResNet (64 channels in the first stage). The paper’s ResNet-50 (4×) is four times wider; small widths train much faster on a CPU.' },
      { path: ['stem'], label: 'Stem', kind: { type: 'select', options: [{ value: 'auto', label: 'Automatic (by image size)' }, { value: 'cifar', label: 'CIFAR: 3×3, stride 1, no max-pool' }, { value: 'imagenet', label: 'ImageNet: 7×7, stride 2, max-pool' }] }, description: 'The first layers. For small images the paper replaces the 7×7 stride-2 convolution and max-pool with one 3×3 stride-1 convolution (App. B.9), so the image is not shrunk away.' },
    ],
  },
  {
    title: 'Projection head g',
    fields: [
      { path: ['projectionLayers'], label: 'Layers', kind: { type: 'number', min: 1, max: 4, step: 1 }, description: 'g maps h to z, where the loss is computed (Linear–BN–ReLU–…–Linear). A non-linear head makes h better than z for later use (paper §4.2).' },
      { path: ['projectionHiddenDim'], label: 'Hidden width', kind: { type: 'number', min: 1, step: 1 }, auto: { text: 'the width of h', manualStart: 512, nullable: true }, description: 'Units in the head’s hidden layers; the paper uses the width of h.' },
      { path: ['projectionOutputDim'], label: 'Output dimension of z', kind: { type: 'number', min: 1, step: 1 }, description: 'Size of z. The paper uses 128 and found the output size matters little (Fig. 8).' },
    ],
  },
  {
    title: 'Loss (NT-Xent)',
    fields: [
      { path: ['temperature'], label: 'Temperature τ', kind: { type: 'number', min: 0.01, max: 10, step: 0.05 }, description: 'Divides the cosine similarities before the softmax. Lower τ focuses on the hardest negatives; the paper found 0.5 best for small datasets and 0.1–0.2 at ImageNet scale (Table 5).' },
      { path: ['temperatureSchedule'], label: 'Temperature schedule', kind: { type: 'select', options: [{ value: 'constant', label: 'Constant' }, { value: 'annealed', label: 'Annealed: τ₀ / (1 + ln t)' }] }, description: 'Constant τ as in the paper, or τ lowered over training, τ_t = τ₀/(1 + ln t): easy comparisons first, finer ones later.' },
    ],
  },
  {
    title: 'Optimiser',
    fields: [
      { path: ['optimizer'], label: 'Optimiser', kind: { type: 'select', options: [{ value: 'lars', label: 'LARS (paper)' }, { value: 'sgd', label: 'SGD with momentum' }, { value: 'adamw', label: 'AdamW' }] }, description: 'LARS adapts the step of each layer to its weights’ size, which keeps large-batch training stable (paper §2, App. B.1). SGD with momentum works as well at batches of 256–512; AdamW is forgiving at small batches.' },
      { path: ['lrScaling'], label: 'Learning-rate scaling', kind: { type: 'select', options: [{ value: 'sqrt', label: 'Square root of the batch' }, { value: 'linear', label: 'Linear in the batch' }] }, description: 'How the automatic learning rate grows with the batch: LARS uses 0.3·B/256 (linear) or 0.075·√B (square root, better for small batches and long training, App. B.1).' },
      { path: ['lr'], label: 'Peak learning rate', kind: { type: 'number', min: 0, step: 0.01 }, auto: { text: 'from the optimiser, scaling and batch', manualStart: 0.3 }, description: 'The learning rate after warm-up; it then decays along a cosine to zero.' },
      { path: ['weightDecay'], label: 'Weight decay', kind: { type: 'number', min: 0, step: 0.000001 }, auto: { text: '1e-6 for LARS, 5e-4 for SGD, 1e-4 for AdamW', manualStart: 0.000001 }, description: 'Pulls weights towards zero to regularise. The paper uses 1e-6 with LARS.' },
      { path: ['momentum'], label: 'Momentum', kind: { type: 'number', min: 0, max: 1, step: 0.01 }, description: 'Share of the previous update kept in the next (LARS and SGD); the paper uses 0.9.' },
      { path: ['warmupEpochs'], label: 'Warm-up epochs', kind: { type: 'number', min: 0, step: 0.5 }, auto: { text: '10 epochs, at most a tenth of the run', manualStart: 1 }, description: 'The learning rate rises linearly from zero over these epochs before the cosine decay (the paper warms up for 10 epochs).' },
    ],
  },
  {
    title: 'Augmentations',
    fields: [
      { path: ['augment', 'cropScale'], label: 'Crop area', kind: { type: 'range', min: 0.01, max: 1, step: 0.01 }, description: 'Random resized crop: the fraction of the image’s area each view keeps (0.08–1 in the paper). Cropping plus colour distortion is the most important combination (paper §3).' },
      { path: ['augment', 'cropRatio'], label: 'Crop aspect ratio', kind: { type: 'range', min: 0.1, step: 0.05 }, description: 'Aspect ratios of the crop before it is resized to a square (3/4–4/3 in the paper).' },
      { path: ['augment', 'flipP'], label: 'Horizontal flip probability', kind: probability, description: 'Chance that a view is mirrored left–right (0.5).' },
      { path: ['augment', 'jitterStrength'], label: 'Colour jitter strength s', kind: { type: 'number', min: 0, max: 2, step: 0.1 }, auto: { text: '0.5 for images ≤ 64 px, else 1', manualStart: 1 }, description: 'Brightness, contrast and saturation change by up to 0.8·s and hue by 0.2·s, in random order. Without colour distortion the network can match views by their colour histogram alone (paper §3, Fig. 6).' },
      { path: ['augment', 'jitterP'], label: 'Colour jitter probability', kind: probability, description: 'Chance that colour jitter is applied to a view (0.8).' },
      { path: ['augment', 'grayscaleP'], label: 'Grayscale probability', kind: probability, description: 'Chance that a view is turned grey (0.2 in the paper), so that colour alone cannot tell the images apart.' },
      { path: ['augment', 'blurP'], label: 'Blur probability', kind: probability, auto: { text: 'none for images ≤ 64 px, else 0.5', manualStart: 0.5 }, description: 'Chance of a Gaussian blur with a kernel about 10% of the side. The paper blurs at ImageNet size but not for CIFAR’s 32 px (App. A, B.9).' },
      { path: ['augment', 'blurSigma'], label: 'Blur σ', kind: { type: 'range', min: 0.01, step: 0.1 }, description: 'Range of the blur’s standard deviation, in pixels (0.1–2).' },
    ],
  },
];

export const CONFIG_FIELDS: readonly ConfigField[] = CONFIG_GROUPS.flatMap((group) => group.fields);

/** The field a backend message's "path: reason" names, e.g. "augment.cropScale". */
export function fieldKey(path: readonly string[]): string {
  return path.join('.');
}
