// The three presets offered for a dataset — Quick look, Balanced, Best quality (GPU) —
// derived from the dataset (how many images, how large) and the backend the worker
// chose, each with the reasons in sentences a non-coder understands. Pure: no I/O.
//
// Grounding (DESIGN.md §1): SimCLR wants large batches and long training, but a batch is
// bounded by memory and by the number of images; small images (CIFAR-like) train at
// 32 px with colour-jitter strength 0.5 and no blur (paper App. B.9); τ = 0.5 suits
// small datasets (0.1–0.2 at ImageNet scale); LARS with lr = 0.075·√B for small batches.
// The speed table is a rough guide, used only to size epochs and to estimate time (the
// UI shows it as an estimate; the live ETA comes from the run itself). wasm is anchored
// on bench/training-app-throughput.ts: 4.3 images/s at 32 px, width 0.25, batch 16 on a
// 2-core machine shared with ~17 other busy processes, so ~10 on an idle laptop; the
// other rows are guesses scaled from it.
import type { BackendKind, Preset, PresetId } from '../../api/contract-experiments.ts';
import { resolveTrainConfig, SMALL_IMAGE_MAX, type TrainConfigInput } from '../../../worker/simclr/config.ts';

export interface DatasetShape {
  readonly imageCount: number;
  /** Median of min(width, height) over the images (0 when there are none). */
  readonly medianSide: number;
}

/**
 * Rough training speed of ResNet-18 at width 0.25 and 32 px, in images per second, by
 * backend. Other sizes scale with pixels × width² (convolution cost).
 */
const BASE_IMAGES_PER_SECOND: Record<BackendKind | 'gpu', number> = { gpu: 1000, tensorflow: 40, wasm: 10, cpu: 0.2 };

/** Memory we let one batch's activations use, by backend (the wasm heap is at most 4 GB; a laptop has a few GB free). */
const MEMORY_BUDGET_MB: Record<BackendKind | 'gpu', number> = { gpu: 6000, tensorflow: 3000, wasm: 1500, cpu: 1500 };

interface Plan {
  readonly id: PresetId;
  readonly title: string;
  readonly summary: string;
  /** Wall-clock time the preset aims at, in seconds, on a suitable backend. */
  readonly targetSeconds: number;
  readonly maxImageSize: number;
  readonly width: number;
  readonly backbone: 'resnet18' | 'resnet50';
  readonly wantedBatch: number;
  readonly minEpochs: number;
  readonly maxEpochs: number;
}

const PLANS: readonly Plan[] = [
  {
    id: 'quick',
    title: 'Quick look',
    summary: 'A few minutes on a laptop: a first look at what the encoder picks up.',
    targetSeconds: 5 * 60,
    maxImageSize: 32,
    width: 0.25,
    backbone: 'resnet18',
    wantedBatch: 32,
    minEpochs: 1,
    maxEpochs: 30,
  },
  {
    id: 'balanced',
    title: 'Balanced',
    summary: 'About an hour: clearly better neighbours, still fine on a CPU.',
    targetSeconds: 60 * 60,
    maxImageSize: 64,
    width: 0.5,
    backbone: 'resnet18',
    wantedBatch: 64,
    minEpochs: 10,
    maxEpochs: 200,
  },
  {
    id: 'best',
    title: 'Best quality (GPU)',
    summary: 'Hours on an NVIDIA GPU: larger images, a full-width ResNet-50, long training.',
    targetSeconds: 6 * 60 * 60,
    maxImageSize: 96,
    width: 1,
    backbone: 'resnet50',
    wantedBatch: 256,
    minEpochs: 100,
    maxEpochs: 800,
  },
];

/** Approximate activation memory of one training step, in MB (two views per image, kept for the backward pass). */
export function estimateBatchMemoryMb(batchSize: number, imageSize: number, width: number, backbone: 'resnet18' | 'resnet50'): number {
  // ≈ 20 stored activation maps the size of the first stage's output per view (×4 for
  // ResNet-50's wider bottleneck outputs), float32.
  const firstStageFloats = imageSize * imageSize * 64 * width;
  const perView = firstStageFloats * 20 * (backbone === 'resnet50' ? 4 : 1) * 4;
  return (perView * 2 * batchSize) / 1e6;
}

export function estimateImagesPerSecond(speedClass: BackendKind | 'gpu', imageSize: number, width: number, backbone: 'resnet18' | 'resnet50'): number {
  const cost = ((imageSize / 32) ** 2 * (width / 0.25) ** 2) * (backbone === 'resnet50' ? 2.5 : 1);
  return BASE_IMAGES_PER_SECOND[speedClass] / cost;
}

/** Largest power of two ≤ n (batches of powers of two suit the kernels and the lr rule). */
function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(2, n)));
}

export function suggestPresetList(shape: DatasetShape, backend: BackendKind | null, gpu: boolean): Preset[] {
  const speedClass: BackendKind | 'gpu' = gpu ? 'gpu' : (backend ?? 'wasm');
  return PLANS.map((plan) => presetFor(plan, shape, speedClass, backend));
}

function presetFor(plan: Plan, shape: DatasetShape, speed: BackendKind | 'gpu', backend: BackendKind | null): Preset {
  const reasons: string[] = [];
  const n = shape.imageCount;
  const small = shape.medianSide > 0 && shape.medianSide <= SMALL_IMAGE_MAX;

  // Image size: never larger than the images themselves (upscaling adds no detail).
  const imageSize = Math.max(16, Math.min(plan.maxImageSize, floorToMultiple(shape.medianSide || plan.maxImageSize, 8)));
  reasons.push(
    imageSize < plan.maxImageSize
      ? `Images are trained at ${imageSize} px because most of yours are about ${shape.medianSide} px: enlarging them would add no detail.`
      : `Images are trained at ${imageSize} px: enough to see shapes and colours while keeping each step fast.`,
  );

  // Batch: more negatives per step help SimCLR, bounded by memory and by the number of images.
  const budget = MEMORY_BUDGET_MB[speed];
  let batch = plan.wantedBatch;
  while (batch > 2 && estimateBatchMemoryMb(batch, imageSize, plan.width, plan.backbone) > budget) batch /= 2;
  const memoryBound = batch < plan.wantedBatch;
  if (n >= 2 && batch > n / 2) batch = n >= 4 ? floorPow2(Math.floor(n / 2)) : n;
  const memoryMb = Math.ceil(estimateBatchMemoryMb(batch, imageSize, plan.width, plan.backbone));
  reasons.push(
    batch < plan.wantedBatch && !memoryBound
      ? `Batch ${batch}: each step compares every image with the others in its batch, and with ${n} images a batch of ${batch} still gives at least two steps per pass over them.`
      : `Batch ${batch} keeps the training memory around ${memoryMb} MB${memoryBound ? ', within what this machine can spare' : ''}; larger batches give each image more "negative" examples to be told apart from.`,
  );

  const ips = estimateImagesPerSecond(speed, imageSize, plan.width, plan.backbone);
  const epochSeconds = n > 0 ? n / ips : 0;
  const epochs = n > 0 ? clamp(Math.floor(plan.targetSeconds / epochSeconds), plan.minEpochs, plan.maxEpochs) : plan.minEpochs;
  reasons.push(`${epochs} passes over the images (epochs): contrastive learning keeps improving with longer training, and this fits the preset's time.`);

  const temperature = n >= 50_000 ? 0.2 : 0.5;
  reasons.push(
    temperature === 0.5
      ? 'Temperature τ = 0.5, the value the SimCLR authors found best for datasets of this size.'
      : 'Temperature τ = 0.2: with many images, a sharper comparison works better (SimCLR used 0.1–0.2 at ImageNet scale).',
  );
  reasons.push(
    small || imageSize <= SMALL_IMAGE_MAX
      ? 'Colour jitter 0.5 and no blur, because the images are small: strong distortions would erase what little detail they have.'
      : 'Full colour jitter and Gaussian blur: the paper found crop + colour distortion the most important pair of augmentations.',
  );
  reasons.push(
    plan.backbone === 'resnet50'
      ? 'A full-width ResNet-50: deeper and wider encoders learn better representations, but need a GPU.'
      : `A ResNet-18 at ${plan.width === 1 ? 'full' : `${plan.width}×`} width: small enough to train on ${speed === 'gpu' ? 'this GPU' : 'a CPU'} in this time.`,
  );

  const config: TrainConfigInput = {
    imageSize,
    batchSize: Math.max(2, batch),
    epochs,
    backbone: plan.backbone,
    width: plan.width,
    temperature,
    optimizer: 'lars',
    lrScaling: 'sqrt',
  };
  const resolved = resolveTrainConfig(config);
  reasons.push(`LARS optimiser with learning rate ${resolved.lr.toPrecision(2)} (0.075·√batch, the paper's rule for small batches) and a short warm-up.`);

  const { suitable, warning } = suitability(plan.id, n, speed, backend);
  const estimatedSeconds = n > 0 ? Math.round(epochs * epochSeconds) : null;
  return { id: plan.id, title: plan.title, summary: plan.summary, config, reasons, suitable, warning, estimatedSeconds };
}

function suitability(id: PresetId, n: number, speed: BackendKind | 'gpu', backend: BackendKind | null): { suitable: boolean; warning: string | null } {
  if (n < 2) return { suitable: false, warning: `Training needs at least 2 usable images; this folder has ${n}.` };
  if (id === 'best' && speed !== 'gpu') {
    return { suitable: false, warning: 'Needs an NVIDIA GPU with CUDA: on this machine it would take days. See "Faster training" for how to enable the GPU.' };
  }
  if (id === 'balanced' && backend === 'cpu') {
    return { suitable: false, warning: 'Only the slow pure-JavaScript backend runs here, so this would take many hours; use Quick look.' };
  }
  return { suitable: true, warning: null };
}

function floorToMultiple(value: number, multiple: number): number {
  return Math.max(multiple, Math.floor(value / multiple) * multiple);
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, value));
}

/** Count, median short side, and median width and height of a dataset's usable images. */
export function datasetShape(images: readonly { width: number; height: number }[]): DatasetShape & { medianWidth: number; medianHeight: number } {
  const median = (values: number[]) => (values.length ? values.sort((a, b) => a - b)[Math.floor(values.length / 2)]! : 0);
  return {
    imageCount: images.length,
    medianSide: median(images.map((i) => Math.min(i.width, i.height))),
    medianWidth: median(images.map((i) => i.width)),
    medianHeight: median(images.map((i) => i.height)),
  };
}
