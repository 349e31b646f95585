// The SimCLR training loop (paper Alg. 1): for each epoch, for each batch of B source
// images, two augmented views → one optimisation step (train-step.ts), with
// - pause and cancel checked between steps (trainer-control.ts); cancel saves a
//   checkpoint at the current step so the run can be resumed;
// - metrics per step (loss, positive-pair accuracy, lr, τ, images/s, std of normalised
//   z) and per epoch through callbacks;
// - a checkpoint after every epoch (last.ckpt, plus epoch-NNNN.ckpt every K epochs),
//   always written atomically;
// - a NaN/Inf loss stopping the run with a message, keeping the last good checkpoint
//   (nothing is written after the bad step);
// - running out of memory turned into a message that suggests a smaller batch or image.
// Tensors: every step's tensors are disposed before the next (the pixels, the views and
// whatever trainStep allocates inside its tidy); tests check tf.memory().numTensors.
import type * as tf from '@tensorflow/tfjs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../main/error-message.ts';
import { epochBatches, type PixelBatch, stepsPerEpoch } from '../data/batches.ts';
import type { ImageDataset, SkippedImage } from '../data/dataset.ts';
import { type ChunkWriter, writeFileAtomic } from '../files.ts';
import { augmentPair } from './augment.ts';
import { encodeCheckpoint, epochCheckpointPath, lastCheckpointPath, readCheckpoint } from './checkpoint.ts';
import type { TrainControl } from './trainer-control.ts';
import { isOutOfMemory, outOfMemoryError, TrainingError } from './trainer-errors.ts';
import { sessionCheckpoint, type TrainingSession } from './trainer-session.ts';
import { trainStep } from './train-step.ts';

export interface StepMetrics {
  /** 1-based number of the step just done, in the whole run. */
  readonly step: number;
  readonly totalSteps: number;
  /** 0-based epoch of this step. */
  readonly epoch: number;
  readonly loss: number;
  /** Positive-pair top-1 accuracy within the batch (fraction of the 2B views). */
  readonly accuracy: number;
  readonly lr: number;
  readonly temperature: number;
  /** Std of L2-normalised z over the batch, mean over dims: ≈ 1/√d when healthy, → 0 on collapse. */
  readonly zStd: number;
  readonly imagesPerSecond: number;
}

export interface EpochMetrics {
  /** Epochs done so far (1-based number of the epoch just finished). */
  readonly epoch: number;
  readonly epochs: number;
  readonly steps: number;
  readonly meanLoss: number;
  readonly meanAccuracy: number;
  readonly imagesPerSecond: number;
  readonly seconds: number;
  readonly checkpoint: string;
}

export interface TrainRunOptions {
  readonly tf: typeof tf;
  /** Name of the backend, recorded in checkpoints. */
  readonly backend: string;
  readonly session: TrainingSession;
  readonly dataset: ImageDataset;
  readonly runDir: string;
  readonly control?: TrainControl;
  readonly onStep?: (metrics: StepMetrics) => void;
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onSkipped?: (skipped: SkippedImage) => void;
  /** How checkpoint bytes reach the disk; tests inject a failing one to simulate a full disk. */
  readonly writeChunk?: ChunkWriter;
}

export type TrainStatus = 'completed' | 'cancelled' | 'diverged';

export interface TrainOutcome {
  readonly status: TrainStatus;
  /** Steps done in the whole run. */
  readonly steps: number;
  /** Epochs fully done. */
  readonly epochs: number;
  readonly finalLoss: number | null;
  /** Images per second over the steps of THIS call (data waiting included, preparation excluded). */
  readonly imagesPerSecond: number;
  /** The newest checkpoint on disk (undefined if none was written yet). */
  readonly lastCheckpoint: string | undefined;
  readonly message: string;
}

/** Minimum usable images for a run with batch size B: one full batch. */
export function assertEnoughImages(datasetSize: number, batchSize: number): void {
  if (datasetSize < 2) throw new TrainingError(`training needs at least 2 usable images (a positive pair needs a negative), found ${datasetSize}`);
  if (datasetSize < batchSize) throw new TrainingError(`batch size ${batchSize} is larger than the ${datasetSize} usable images; use --batch-size ${datasetSize} or fewer`);
}

export async function trainRun(options: TrainRunOptions): Promise<TrainOutcome> {
  const { tf: tfjs, session, dataset, runDir, control } = options;
  const config = session.config;
  assertEnoughImages(dataset.size, config.batchSize);
  const perEpoch = stepsPerEpoch(dataset.size, config.batchSize);
  const totalSteps = config.epochs * perEpoch;
  const datasetId = { fingerprint: dataset.fingerprint, size: dataset.size };
  const lastPath = lastCheckpointPath(runDir);
  let lastCheckpoint = (await exists(lastPath)) ? lastPath : undefined;
  const broken = new Set<number>();
  let imagesThisCall = 0;
  let secondsThisCall = 0;

  const save = async (): Promise<string> => {
    const bytes = encodeCheckpoint(sessionCheckpoint(tfjs, session, { dataset: datasetId, backend: options.backend }));
    const write = { ...(options.writeChunk ? { writeChunk: options.writeChunk } : {}) };
    try {
      await fs.mkdir(path.dirname(lastPath), { recursive: true });
      await writeFileAtomic(lastPath, bytes, write);
      // Steps inside an epoch (cancel) only update last.ckpt; epoch ends keep every K-th.
      if (session.stepInEpoch === 0 && session.epoch % config.checkpointEvery === 0) {
        await writeFileAtomic(epochCheckpointPath(runDir, session.epoch), bytes, write);
      }
    } catch (error) {
      const kept = lastCheckpoint ? `the previous checkpoint ${lastCheckpoint} is intact` : 'no earlier checkpoint exists';
      throw new TrainingError(`training stopped at step ${session.step}: ${errorMessage(error)}; ${kept}. Free some disk space and resume.`, { cause: error });
    }
    lastCheckpoint = lastPath;
    return lastPath;
  };
  const outcome = (status: TrainStatus, message: string): TrainOutcome => ({
    status,
    steps: session.step,
    epochs: session.epoch,
    finalLoss: session.lastLoss,
    imagesPerSecond: secondsThisCall > 0 ? imagesThisCall / secondsThisCall : 0,
    lastCheckpoint,
    message,
  });
  const cancelled = async (): Promise<TrainOutcome> => {
    await save();
    return outcome('cancelled', `cancelled at step ${session.step}/${totalSteps}; checkpoint saved to ${lastPath} (resume to continue)`);
  };

  while (session.epoch < config.epochs) {
    const epochStart = performance.now();
    let epochSteps = 0;
    let lossSum = 0;
    let accuracySum = 0;
    const batches = epochBatches(dataset, {
      batchSize: config.batchSize,
      seed: config.seed,
      epoch: session.epoch,
      startStep: session.stepInEpoch,
      broken,
      ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
    });
    let stepStart = performance.now();
    for await (const batch of batches) {
      if (control?.signal.aborted) return cancelled();
      await control?.waitWhilePaused();
      if (control?.signal.aborted) return cancelled();
      let result: ReturnType<typeof trainStep>;
      try {
        result = runStep(tfjs, session, batch, perEpoch);
      } catch (error) {
        if (isOutOfMemory(error)) throw outOfMemoryError(options.backend, config.batchSize, config.imageSize, lastCheckpoint, error);
        throw error;
      }
      if (!Number.isFinite(result.loss)) {
        const kept = lastCheckpoint ? `the last good checkpoint is ${lastCheckpoint} (step ${await checkpointStep(lastCheckpoint)})` : 'no checkpoint had been written yet';
        return outcome(
          'diverged',
          `the loss became ${result.loss} at step ${session.step + 1}; training stopped and the update was not applied; ${kept}. ` +
            'Try a lower learning rate (--lr) or a higher temperature.',
        );
      }
      const now = performance.now();
      const seconds = (now - stepStart) / 1000;
      stepStart = now;
      imagesThisCall += config.batchSize;
      secondsThisCall += seconds;
      session.step++;
      session.stepInEpoch++;
      session.lastLoss = result.loss;
      epochSteps++;
      lossSum += result.loss;
      accuracySum += result.accuracy;
      options.onStep?.({
        step: session.step,
        totalSteps,
        epoch: session.epoch,
        loss: result.loss,
        accuracy: result.accuracy,
        lr: result.lr,
        temperature: result.temperature,
        zStd: result.zStd,
        imagesPerSecond: seconds > 0 ? config.batchSize / seconds : 0,
      });
    }
    if (control?.signal.aborted) return cancelled();
    const seconds = (performance.now() - epochStart) / 1000;
    session.epoch++;
    session.stepInEpoch = 0;
    const checkpoint = await save();
    options.onEpoch?.({
      epoch: session.epoch,
      epochs: config.epochs,
      steps: epochSteps,
      meanLoss: epochSteps ? lossSum / epochSteps : Number.NaN,
      meanAccuracy: epochSteps ? accuracySum / epochSteps : Number.NaN,
      imagesPerSecond: seconds > 0 ? (epochSteps * config.batchSize) / seconds : 0,
      seconds,
      checkpoint,
    });
  }
  return outcome('completed', `trained ${session.epoch} epochs (${session.step} steps)`);
}

/** One step: uint8 pixels → two views (paper §3: augmentation on the compute backend) → trainStep. */
function runStep(tfjs: typeof tf, session: TrainingSession, batch: PixelBatch, perEpoch: number): ReturnType<typeof trainStep> {
  const images = tfjs.tensor4d(batch.pixels, batch.shape as [number, number, number, number], 'int32'); // [B, H0, W0, 3] in 0..255
  const views = augmentPair(images, session.config.augment, session.config.imageSize, session.rng); // 2 × [B, S, S, 3] in [0, 1]
  try {
    return trainStep({ encoder: session.encoder, head: session.head, optimizer: session.optimizer, config: session.config, step: session.step, stepsPerEpoch: perEpoch }, views);
  } finally {
    tfjs.dispose([images, ...views]);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

async function checkpointStep(file: string): Promise<string> {
  return readCheckpoint(file).then((c) => String(c.step), () => 'unknown');
}
