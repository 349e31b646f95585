// The embedding explorer's part of the API contract (issue 5): representations h of a
// run's dataset (paper §4.2: h, not z, is the better representation), the 2-D map
// (PCA instantly, UMAP in the worker), nearest neighbours by cosine similarity, search
// by a dropped image, near-duplicates, outliers, kNN accuracy when sub-folders look like
// labels, and the exports. Composed into the one contract in contract.ts.
//
// An "embedding set" is the h of every image of a run's dataset under one encoder: the
// run's checkpoint ('trained') or a random-initialised encoder of the same architecture
// ('random', for the before/after view). Sets are stored beside the database and kept;
// computing the same (run, checkpoint, encoder) again reuses the rows of images whose
// content did not change.
import { z } from 'zod';

const runId = z.number().int().positive();
const setId = z.number().int().positive();
const imageId = z.number().int().positive();
const k = z.number().int().min(1).max(1000);
/** An absolute path on the machine running main (a file or folder the user chose). */
const targetPath = z.string().min(1, 'a target path is required');

/** Which checkpoint of the run: 'last' (default) or the one kept after epoch N (1-based). */
const checkpoint = z.union([z.literal('last'), z.number().int().positive()]);

export const projectionMethods = ['pca', 'umap'] as const;
const projectionMethod = z.enum(projectionMethods);

/** Input schemas of the explorer's methods. */
export const explorerMethodInputs = {
  /**
   * Computes (or refreshes) the embedding set of a run with its checkpoint or a random
   * encoder; resolves when it is stored. Progress: `embeddingProgress`.
   */
  computeEmbeddings: z.object({
    runId,
    checkpoint: checkpoint.default('last'),
    encoder: z.enum(['trained', 'random']).default('trained'),
  }),
  /** Stops the run's embedding jobs (trained and random); their computeEmbeddings promises reject with name 'Cancelled'. */
  cancelEmbeddings: z.object({ runId }),
  listEmbeddingSets: z.object({ runId }),
  /** 2-D coordinates of every image of the set; cached per set, method and seed. Progress: `projectionProgress`. */
  getProjection: z.object({ setId, method: projectionMethod, seed: z.number().int().min(0).default(42) }),
  getNeighbours: z.object({ setId, imageId, k: k.default(12) }),
  /**
   * Neighbours of an image that need not be in the dataset: a file path on this machine
   * or the bytes of a dropped file (base64). Decoded and embedded on the fly with the
   * set's encoder. Exactly one of `path` and `bytesBase64`.
   */
  findNeighboursOfFile: z
    .object({
      setId,
      path: z.string().min(1).optional(),
      bytesBase64: z.string().min(1).optional(),
      /** The dropped file's name, for messages. */
      name: z.string().optional(),
      k: k.default(12),
    })
    .refine((v) => (v.path === undefined) !== (v.bytesBase64 === undefined), 'give exactly one of: a file path, or the file bytes (base64)'),
  /**
   * Pairs with cosine similarity ≥ threshold, most similar first, from the set's
   * 32-nearest-neighbour graph (computed once per set in the worker, then instant for any
   * threshold): an image with more than 32 neighbours above the threshold sets `truncated`.
   */
  listDuplicates: z.object({ setId, threshold: z.number().min(-1).max(1).default(0.95), limit: z.number().int().min(1).max(10_000).default(500) }),
  /** The `count` images farthest from their k-th nearest neighbour (k is clamped to 32, the graph's width). */
  listOutliers: z.object({ setId, count: z.number().int().min(1).max(10_000).default(50), k: k.default(5) }),
  /** kNN (leave-one-out) accuracy with the first sub-folder as label. */
  evaluateLabels: z.object({ setId, k: k.default(20) }),
  /** 'npy': <path> (float32 [N, D]) and beside it <path minus .npy>.csv (index,path,label), as `simclr-studio embed` writes them; 'csv': one row per image, path,label,h0…h(D−1). */
  exportEmbeddings: z.object({ setId, format: z.enum(['npy', 'csv']), path: targetPath }),
  /** The k nearest neighbours of every image of the set. */
  exportNeighbours: z.object({ setId, k: k.default(10), format: z.enum(['csv', 'json']), path: targetPath }),
  /**
   * A selection of images: a CSV file list, or copies of the files into a NEW or EMPTY
   * folder (a non-empty or unwritable folder is refused). Images are copied, never moved.
   */
  exportSelection: z.union([
    z.object({ setId, imageIds: z.array(imageId).min(1, 'select at least one image'), format: z.literal('csv'), path: targetPath }),
    z.object({ setId, imageIds: z.array(imageId).min(1, 'select at least one image'), copyTo: targetPath }),
  ]),
  /** The 2-D coordinates as CSV: path,label,x,y. */
  exportProjection: z.object({ setId, method: projectionMethod, seed: z.number().int().min(0).default(42), path: targetPath }),
  /** The encoder f of a run's checkpoint as a TF.js LayersModel folder (model.json + weights.bin); the folder must be new or empty. */
  exportEncoder: z.object({ runId, checkpoint: checkpoint.default('last'), path: targetPath }),
} as const;

type Input<M extends keyof typeof explorerMethodInputs> = z.input<(typeof explorerMethodInputs)[M]>;

export type EmbeddingEncoderKind = 'trained' | 'random';
export type ProjectionMethod = (typeof projectionMethods)[number];

/**
 * 'ready': every image of the dataset (as catalogued now) has its h in the set.
 * 'stale': the dataset was re-scanned since; some rows belong to changed or removed
 * images (they are never served mixed: compute again to refresh only those).
 */
export type EmbeddingSetStatus = 'computing' | 'ready' | 'stale' | 'failed' | 'cancelled';

export interface EmbeddingSetSummary {
  id: number;
  runId: number;
  datasetId: number;
  encoder: EmbeddingEncoderKind;
  /** 'last' or the epoch number; for 'random' the architecture of the run, no weights read. */
  checkpoint: 'last' | number;
  /** Optimiser steps of the checkpoint used (0 for 'random'). */
  checkpointStep: number;
  /** Images with an h, and the width D of h. */
  count: number;
  dim: number;
  status: EmbeddingSetStatus;
  /** Images whose stored h no longer matches the catalogue (changed, added or removed since). */
  staleCount: number;
  /** Images that could not be decoded when embedding. */
  skippedCount: number;
  /** ISO timestamp of the last (re)computation. */
  updatedAt: string;
  error: string | null;
}

export interface ExplorerImageRef {
  imageId: number;
  /** Path relative to the dataset root, with '/' separators. */
  relPath: string;
}

export interface Neighbour extends ExplorerImageRef {
  /** Cosine similarity of h, in [-1, 1]. */
  similarity: number;
}

export interface NeighbourResult {
  /** The query image: an image of the set, or a dropped/outside file (imageId null). */
  query: { imageId: number | null; relPath: string | null; name: string };
  /** Most similar first; the query image itself is excluded. */
  neighbours: Neighbour[];
}

export interface Projection {
  setId: number;
  method: ProjectionMethod;
  seed: number;
  count: number;
  /** [count, 2] row-major: x0, y0, x1, y1, …, scaled into [-1, 1] on the longer axis. */
  coordinates: number[];
  /** In the same order as the points. */
  imageIds: number[];
  relPaths: string[];
  /** Index into `labels` per point (the first sub-folder), -1 for images at the root. */
  labelIndex: number[];
  labels: string[];
}

export interface DuplicatePair {
  a: ExplorerImageRef;
  b: ExplorerImageRef;
  similarity: number;
}

export interface DuplicateList {
  threshold: number;
  pairs: DuplicatePair[];
  /** More pairs exist above the threshold than `limit`. */
  truncated: boolean;
}

export interface Outlier extends ExplorerImageRef {
  /** Cosine similarity to its k-th nearest neighbour (lower = more isolated). */
  kthSimilarity: number;
}

export interface ClassAccuracy {
  label: string;
  count: number;
  accuracy: number;
}

export type LabelEvaluation =
  | { available: true; k: number; count: number; accuracy: number; classes: ClassAccuracy[] }
  | { available: false; reason: string };

export interface ExportResult {
  /** Absolute paths of the files written (or of the copies made). */
  files: string[];
}

export interface EmbeddingProgress {
  runId: number;
  setId: number;
  phase: 'loading' | 'embedding' | 'storing' | 'done' | 'cancelled' | 'failed';
  /** Images embedded so far and the number to embed in this pass (unchanged ones are reused). */
  done: number;
  total: number;
  message: string | null;
}

export interface ProjectionProgress {
  setId: number;
  method: ProjectionMethod;
  /** UMAP optimisation epochs done / planned. */
  done: number;
  total: number;
}

/** What each explorer method resolves to. */
export interface ExplorerApi {
  computeEmbeddings(input: Input<'computeEmbeddings'>): Promise<EmbeddingSetSummary>;
  cancelEmbeddings(input: Input<'cancelEmbeddings'>): Promise<void>;
  listEmbeddingSets(input: Input<'listEmbeddingSets'>): Promise<EmbeddingSetSummary[]>;
  getProjection(input: Input<'getProjection'>): Promise<Projection>;
  getNeighbours(input: Input<'getNeighbours'>): Promise<NeighbourResult>;
  findNeighboursOfFile(input: Input<'findNeighboursOfFile'>): Promise<NeighbourResult>;
  listDuplicates(input: Input<'listDuplicates'>): Promise<DuplicateList>;
  listOutliers(input: Input<'listOutliers'>): Promise<Outlier[]>;
  evaluateLabels(input: Input<'evaluateLabels'>): Promise<LabelEvaluation>;
  exportEmbeddings(input: Input<'exportEmbeddings'>): Promise<ExportResult>;
  exportNeighbours(input: Input<'exportNeighbours'>): Promise<ExportResult>;
  exportSelection(input: Input<'exportSelection'>): Promise<ExportResult>;
  exportProjection(input: Input<'exportProjection'>): Promise<ExportResult>;
  exportEncoder(input: Input<'exportEncoder'>): Promise<ExportResult>;
}

/** Events of the explorer: name → payload. */
export interface ExplorerEvents {
  embeddingProgress: EmbeddingProgress;
  projectionProgress: ProjectionProgress;
}

export const explorerEventNames = ['embeddingProgress', 'projectionProgress'] as const satisfies readonly (keyof ExplorerEvents)[];
