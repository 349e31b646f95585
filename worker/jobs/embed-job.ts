// The 'embed' job: the representation h (paper §4.2) of a list of images with a run's
// checkpoint or a random encoder of the same architecture, for the explorer. Reuses the
// engine: prepareDataset (read, hash, decode into the shared pixel cache) and
// embedDataset (batched, inference-mode, centre crop). Main stores the result (it is
// the only SQLite writer) and asks only for the images whose content changed, so the
// request may be a small part of a dataset. The same job embeds a single dropped file.
//
// The content hash of each embedded row is the one computed while reading the file for
// THIS job, so main can tell whether the catalogue has changed since.
import { prepareDataset } from '../data/dataset.ts';
import { PixelCache } from '../data/pixel-cache.ts';
import { sourceSideFor } from '../data/source-size.ts';
import { embedDataset } from '../embed.ts';
import type { JobContext } from './registry.ts';
import { type EncoderSource, loadEncoder } from './explorer-encoder.ts';

export interface EmbedJobImage {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the dataset root, '/'-separated (for messages). */
  readonly relativePath: string;
}

export interface EmbedJobRequest {
  readonly images: readonly EmbedJobImage[];
  readonly encoder: EncoderSource;
  /** The shared pixel cache (<data dir>/cache/pixels). */
  readonly cacheDir: string;
  readonly batchSize?: number;
}

export type EmbedJobProgress = { readonly phase: 'preparing' | 'embedding'; readonly done: number; readonly total: number };

export interface EmbedJobResult {
  /** [rows, dim] row-major. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly dim: number;
  /** Per row: the index of its image in the request, and the sha256 of the bytes embedded. */
  readonly imageIndex: Int32Array;
  readonly contentHash: readonly string[];
  /** Images that could not be read or decoded, with the reason. */
  readonly skipped: readonly { readonly index: number; readonly reason: string }[];
  /** Optimiser steps of the checkpoint (0 for a random encoder) and the architecture used. */
  readonly checkpointStep: number;
  readonly imageSize: number;
}

export async function embedJob(request: EmbedJobRequest, context: JobContext<'embed'>): Promise<EmbedJobResult> {
  const { tf, signal } = context;
  const loaded = await loadEncoder(tf, request.encoder);
  try {
    const imageSize = loaded.config.imageSize;
    const total = request.images.length;
    const files = request.images.map((image) => ({ path: image.path, relativePath: image.relativePath, label: '' }));
    const dataset = await prepareDataset(files, {
      side: sourceSideFor(imageSize),
      cache: new PixelCache(request.cacheDir),
      signal,
      onProgress: (done) => context.progress({ phase: 'preparing', done, total }),
    });
    const indexOfPath = new Map(request.images.map((image, i) => [image.path, i]));
    const skipped = dataset.skipped.map((s) => ({ index: indexOfPath.get(s.path) ?? -1, reason: s.reason }));
    const h = await embedDataset(tf, loaded.encoder, dataset, imageSize, {
      ...(request.batchSize ? { batchSize: request.batchSize } : {}),
      signal,
      onProgress: (done) => context.progress({ phase: 'embedding', done, total: dataset.size }),
      onSkipped: (s) => skipped.push({ index: indexOfPath.get(s.path) ?? -1, reason: s.reason }),
    });
    const prepared = h.indices.map((i) => dataset.images[i]!);
    return {
      data: h.data,
      rows: h.rows,
      dim: h.cols,
      imageIndex: Int32Array.from(prepared, (p) => indexOfPath.get(p.file.path)!),
      contentHash: prepared.map((p) => p.hash),
      skipped,
      checkpointStep: loaded.step,
      imageSize,
    };
  } finally {
    loaded.encoder.dispose();
  }
}
