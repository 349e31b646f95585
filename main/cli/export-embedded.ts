// The folder of `simclr-studio export` and `neighbours` embedded with a run's encoder
// (its last checkpoint): raw h [N, D] of every usable image, in the dataset's order, with
// each image's absolute path and label. The same open + embed path as `embed`
// (openFolderForCli, embedDataset), so the files agree with its.
import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { selectBackend } from '../../worker/backend.ts';
import { embedDataset } from '../../worker/embed.ts';
import { type LoadedEncoder, loadEncoder } from '../../worker/jobs/explorer-encoder.ts';
import { lastCheckpointPath } from '../../worker/simclr/checkpoint.ts';
import { errorMessage } from '../error-message.ts';
import type { ExportedImage } from '../services/explorer/explorer-exports.ts';
import { CliError, logLine } from './common.ts';
import { openFolderForCli } from './open-folder.ts';
import { ProgressLine } from './progress-line.ts';

export interface EmbeddedFolder {
  readonly images: readonly ExportedImage[];
  /** [images.length, dim] row-major, h as computed (not normalised). */
  readonly h: Float32Array;
  readonly dim: number;
}

/** Loads the run's encoder on the best backend; CliError (naming the file) for a missing, damaged or foreign checkpoint. */
export async function loadRunEncoder(runDir: string): Promise<{ tf: typeof tf; loaded: LoadedEncoder }> {
  const { tf } = await selectBackend('auto', logLine);
  const file = lastCheckpointPath(path.resolve(runDir));
  const loaded = await loadEncoder(tf, { kind: 'checkpoint', path: file }).catch((error: unknown) => {
    throw new CliError(errorMessage(error));
  });
  return { tf, loaded };
}

export async function embedFolder(runDir: string, folder: string): Promise<EmbeddedFolder> {
  const { tf, loaded } = await loadRunEncoder(runDir);
  try {
    return await embedFolderWith(tf, loaded, folder);
  } finally {
    loaded.encoder.dispose();
  }
}

/** The folder embedded with an encoder already loaded (the caller disposes it), with progress and skipped images on stderr. */
export async function embedFolderWith(engine: typeof tf, loaded: LoadedEncoder, folder: string): Promise<EmbeddedFolder> {
  const { imageSize } = loaded.config;
  const progress = new ProgressLine(process.stderr);
  const dataset = await openFolderForCli(folder, { imageSize, progress });
  const h = await embedDataset(engine, loaded.encoder, dataset, imageSize, {
    onProgress: (done, total) => progress.update(`embedding ${done}/${total}`, done / total),
    onSkipped: (s) => progress.log(`skipped ${s.path}: ${s.reason}`),
  });
  progress.done();
  const images = h.indices.map((i) => ({ path: dataset.images[i]!.file.path, label: dataset.images[i]!.file.label }));
  return { images, h: h.data, dim: h.cols };
}
