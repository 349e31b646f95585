// The 'train' job: one run of SimCLR pretraining on a dataset's images, in the worker.
// Reuses the engine end to end: prepareDataset (hash, decode, pixel cache), a new or
// restored TrainingSession, trainRun with the job's cooperative control. Step and epoch
// metrics go back to main as progress; main stores them (it is the only SQLite writer).
//
// The images are the ones the library's scan found usable (main passes their paths), so
// training sees what the user sees; an image that vanished or broke since the scan is
// skipped and reported by name, never stopping the run.
//
// Besides progress, the job logs what a person reading the run's log wants to know (main
// puts these lines in the run's log): the backend it trains on, each image skipped with
// its reason, where it resumed, each checkpoint written and the exported encoder.
import path from 'node:path';
import { prepareDataset, type SkippedImage } from '../data/dataset.ts';
import { type ImageFile, labelOf } from '../data/list-images.ts';
import { PixelCache } from '../data/pixel-cache.ts';
import { sourceSideFor } from '../data/source-size.ts';
import { exportLayersModel } from '../export/layers-model.ts';
import { epochCheckpointPath } from '../simclr/checkpoint.ts';
import type { TrainConfig } from '../simclr/config.ts';
import type { EpochMetrics, StepMetrics, TrainStatus } from '../simclr/trainer.ts';
import { trainRun } from '../simclr/trainer.ts';
import { disposeSession } from '../simclr/trainer-session.ts';
import type { JobContext } from './registry.ts';
import { asTrainingFailure, assertTrainable } from './train-errors.ts';
import { openSession, readResumePoint } from './train-session.ts';

export interface TrainImage {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the dataset root, '/'-separated (used in reports). */
  readonly relativePath: string;
}

export interface TrainJobRequest {
  /** The dataset's folder (for messages). */
  readonly folder: string;
  readonly images: readonly TrainImage[];
  /** Resolved config (validated by main with trainConfigSchema). */
  readonly config: TrainConfig;
  /** Checkpoints go to <runDir>/checkpoints, the encoder to <runDir>/encoder. */
  readonly runDir: string;
  /** The shared pixel cache (<data dir>/cache/pixels). */
  readonly cacheDir: string;
  /** Continue from <runDir>/checkpoints/last.ckpt instead of starting fresh. */
  readonly resume: boolean;
}

export type TrainJobProgress =
  | { readonly type: 'preparing'; readonly done: number; readonly total: number }
  | { readonly type: 'skipped'; readonly path: string; readonly reason: string }
  | { readonly type: 'started'; readonly datasetSize: number; readonly totalSteps: number; readonly startStep: number; readonly backend: string }
  | { readonly type: 'step'; readonly metrics: StepMetrics }
  /** The run is holding between steps after a pause: no step runs until resumed. */
  | { readonly type: 'held'; readonly step: number }
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics; readonly step: number };

export interface TrainJobResult {
  readonly status: TrainStatus;
  readonly steps: number;
  readonly epochs: number;
  readonly finalLoss: number | null;
  readonly imagesPerSecond: number;
  readonly lastCheckpoint: string | null;
  /** Written when the run completed. */
  readonly encoderDir: string | null;
  readonly message: string;
}

/** Preparation progress is sent at most this often (a folder of thousands of images). */
const PREPARE_PROGRESS_MS = 250;

export async function trainJob(request: TrainJobRequest, context: JobContext<'train'>): Promise<TrainJobResult> {
  const { config, runDir } = request;
  const relative = new Map(request.images.map((image) => [image.path, image.relativePath]));
  const report = (skipped: SkippedImage) => {
    const name = relative.get(skipped.path) ?? skipped.path;
    context.progress({ type: 'skipped', path: name, reason: skipped.reason });
    context.log('warn', `skipped ${name}: ${skipped.reason}`);
  };
  context.log('info', `training on ${context.backend.name}: ${context.backend.detail}`);

  let lastSent = 0;
  const dataset = await prepareDataset(request.images.map(asImageFile), {
    side: sourceSideFor(config.imageSize),
    cache: new PixelCache(request.cacheDir),
    signal: context.signal,
    onProgress: (done, total) => {
      const now = Date.now();
      if (done === total || now - lastSent >= PREPARE_PROGRESS_MS) {
        lastSent = now;
        context.progress({ type: 'preparing', done, total });
      }
    },
    onSkipped: report,
  }).catch((error: unknown) => {
    if (context.signal.aborted) return null;
    throw error;
  });
  if (!dataset) return cancelledBeforeStart();
  assertTrainable(request.folder, dataset.size, dataset.skipped.length, config.batchSize);

  const session = openSession(context.tf, config, dataset, request.resume ? await readResumePoint(runDir) : null);
  try {
    const perEpoch = Math.floor(dataset.size / config.batchSize);
    if (request.resume) context.log('info', `resuming from the checkpoint at step ${session.step} (epoch ${session.epoch})`);
    context.progress({ type: 'started', datasetSize: dataset.size, totalSteps: perEpoch * config.epochs, startStep: session.step, backend: context.backend.name });
    const outcome = await trainRun({
      tf: context.tf,
      backend: context.backend.name,
      session,
      dataset,
      runDir,
      control: {
        signal: context.signal,
        // Tell main when the pause has actually taken hold (the step in flight has finished).
        waitWhilePaused: () => {
          if (context.isPaused() && !context.signal.aborted) context.progress({ type: 'held', step: session.step });
          return context.waitWhilePaused();
        },
      },
      onStep: (metrics) => context.progress({ type: 'step', metrics }),
      onEpoch: (metrics) => {
        context.progress({ type: 'epoch', metrics, step: session.step });
        const kept = metrics.epoch % config.checkpointEvery === 0 ? `, kept as ${epochCheckpointPath(runDir, metrics.epoch)}` : '';
        context.log('info', `checkpoint written: ${metrics.checkpoint} (epoch ${metrics.epoch}, step ${session.step}${kept})`);
      },
      onSkipped: report,
    });
    let encoderDir: string | null = null;
    if (outcome.status === 'completed') {
      encoderDir = path.join(runDir, 'encoder');
      await exportLayersModel(session.encoder, encoderDir);
      context.log('info', `encoder written to ${encoderDir}`);
    }
    return { ...outcome, lastCheckpoint: outcome.lastCheckpoint ?? null, encoderDir };
  } catch (error) {
    throw asTrainingFailure(error);
  } finally {
    disposeSession(session);
  }
}

function asImageFile(image: TrainImage): ImageFile {
  return { path: image.path, relativePath: image.relativePath, label: labelOf(image.relativePath) };
}

function cancelledBeforeStart(): TrainJobResult {
  return { status: 'cancelled', steps: 0, epochs: 0, finalLoss: null, imagesPerSecond: 0, lastCheckpoint: null, encoderDir: null, message: 'cancelled while the images were being prepared' };
}
