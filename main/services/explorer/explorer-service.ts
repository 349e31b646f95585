// The embedding explorer (issue 5) in main: embedding sets of runs (computed by the
// worker, stored beside the database), and every question asked of them — neighbours,
// search by a file, projections, duplicates, outliers (the work itself lives in the
// modules it imports; label accuracy and exports are called by explorer-api.ts).
// Dependencies are passed in (the runs of the experiments part and the worker's jobs),
// so the service runs the same under Electron, web mode and tests.
import path from 'node:path';
import type {
  DuplicateList,
  EmbeddingEncoderKind,
  EmbeddingProgress,
  EmbeddingSetSummary,
  ExplorerImageRef,
  Neighbour,
  NeighbourResult,
  Outlier,
  Projection,
  ProjectionMethod,
  ProjectionProgress,
} from '../../api/contract.ts';
import type { Db } from '../../db/open.ts';
import type { GraphJobProgress, GraphJobRequest, GraphJobResult } from '../../../worker/jobs/explorer-graph-job.ts';
import { type ComputeOutcome, computeGeneration, type EmbedRunner } from './compute-embeddings.ts';
import { type CheckpointChoice, EmbeddingCatalogue, type StoredSet } from './embedding-catalogue.ts';
import { EmbeddingFiles } from './embedding-files.ts';
import { CancelledError, ExplorerError } from './explorer-errors.ts';
import type { ScoredRow } from './cosine-index.ts';
import { IndexThread } from './index-thread.ts';
import { type LoadedSet, loadSet } from './loaded-set.ts';
import { embedQueryFile } from './query-file.ts';
import { type ProjectRunner, projectSet } from './set-projection.ts';
import { findDuplicateRows, findOutlierRows, GRAPH_K } from './neighbour-graph.ts';
import { type ExplorerRuns, resolveEncoder } from './run-encoder.ts';
import { errorMessage } from '../../error-message.ts';

/** Embedding progress events at most this often (first, last and phase changes always go). */
const PROGRESS_INTERVAL_MS = 200;

export interface GraphRunner {
  (request: GraphJobRequest, options: { onProgress: (p: GraphJobProgress) => void }): Promise<GraphJobResult>;
}

export interface ExplorerServiceOptions {
  readonly db: Db;
  readonly dataDir: string;
  /** The shared pixel cache (decoded sources), the one training fills. */
  readonly pixelCacheDir: string;
  readonly runs: ExplorerRuns;
  /** The worker's 'embed', 'project' and 'neighbour-graph' jobs. */
  readonly embed: EmbedRunner;
  /** 'embed' of one query image: may run between the steps of a training run (default: embed). */
  readonly embedQuery?: EmbedRunner;
  readonly project: ProjectRunner;
  readonly graph: GraphRunner;
  readonly onEmbeddingProgress?: (progress: EmbeddingProgress) => void;
  readonly onProjectionProgress?: (progress: ProjectionProgress) => void;
}

export class ExplorerService {
  readonly catalogue: EmbeddingCatalogue;
  readonly files: EmbeddingFiles;
  readonly #options: ExplorerServiceOptions;
  /** Running computations by set key (run:encoder:checkpoint); one per set at a time. */
  readonly #computing = new Map<string, { readonly runId: number; readonly controller: AbortController }>();
  /** Sets in memory, by set id; dropped when a set is recomputed or a dataset re-scanned. */
  readonly #loaded = new Map<number, Promise<LoadedSet>>();
  /** Projections by set id → "method:seed", valid for the loaded set they were made from. */
  readonly #projections = new Map<number, Map<string, Promise<Projection>>>();
  /** k-NN graphs (GRAPH_K neighbours per image) by set id, for the loaded generation. */
  readonly #graphs = new Map<number, Promise<GraphJobResult>>();
  /** Neighbour queries, PCA and loading sets, off the main event loop (not on the busy training worker). */
  readonly #indexThread = new IndexThread();

  constructor(options: ExplorerServiceOptions) {
    this.#options = options;
    this.catalogue = new EmbeddingCatalogue(options.db);
    this.files = new EmbeddingFiles(options.dataDir);
  }

  /**
   * At start-up: sets a previous process left 'computing' (it quit or crashed) say so and
   * keep their last generation usable; files of deleted sets and generations a crash
   * left behind are removed.
   */
  async recoverAtStart(): Promise<void> {
    this.catalogue.markInterrupted('the app stopped while these embeddings were being computed: compute them again');
    await this.files.removeUnreferenced(this.catalogue.referencedFiles());
  }

  /** Forget everything held in memory: the catalogue may have changed (a re-scan). */
  invalidate(): void {
    this.#loaded.clear();
    this.#projections.clear();
    this.#graphs.clear();
  }

  /**
   * Runs are about to be deleted (their experiment is): stops their computations and
   * notes their sets' vector files while the rows still say which they are. The rows then
   * go with the runs (ON DELETE CASCADE); the returned function deletes the files — the
   * app's own, in <data dir>/embeddings, with their cached projections; never an image.
   */
  releaseRuns(runIds: readonly number[]): () => Promise<void> {
    const released = new Set(runIds);
    for (const job of this.#computing.values()) if (released.has(job.runId)) job.controller.abort();
    const files = runIds.flatMap((runId) => this.catalogue.filesOfRun(runId));
    return async () => {
      this.invalidate();
      for (const file of files) await this.files.remove(file);
    };
  }

  async compute(runId: number, encoder: EmbeddingEncoderKind, checkpoint: CheckpointChoice): Promise<EmbeddingSetSummary> {
    const key = `${runId}:${encoder}:${checkpoint}`;
    if (this.#computing.has(key)) throw new ExplorerError(`these embeddings of run ${runId} (${encoder} encoder, checkpoint ${checkpoint}) are already being computed`);
    const controller = new AbortController();
    this.#computing.set(key, { runId, controller });
    let set: StoredSet | undefined;
    // Progress arrives per image; the renderer needs a few updates a second, not 100k.
    let lastEmit = 0;
    const emit = (phase: EmbeddingProgress['phase'], done: number, total: number, message: string | null = null) => {
      const now = Date.now();
      const routine = (phase === 'loading' || phase === 'embedding') && done > 0 && done < total;
      if (!set || (routine && now - lastEmit < PROGRESS_INTERVAL_MS)) return;
      lastEmit = now;
      this.#options.onEmbeddingProgress?.({ runId, setId: set.id, phase, done, total, message });
    };
    try {
      const run = this.#options.runs.get(runId);
      const resolved = await resolveEncoder(run, encoder, checkpoint);
      set = this.catalogue.findOrCreate(runId, run.datasetId, encoder, checkpoint);
      this.catalogue.setStatus(set.id, 'computing');
      emit('loading', 0, 0);
      let outcome: ComputeOutcome;
      try {
        outcome = await computeGeneration(
          { catalogue: this.catalogue, files: this.files, embed: this.#options.embed, cacheDir: this.#options.pixelCacheDir, signal: controller.signal, onProgress: (phase, d, t) => emit(phase, d, t) },
          set,
          run.datasetRoot,
          resolved,
        );
      } catch (error) {
        const cancelled = controller.signal.aborted || isCancellation(error);
        const message = cancelled ? `computing the embeddings of run ${runId} was cancelled` : `computing the embeddings of run ${runId} failed: ${errorMessage(error)}`;
        // The previous generation (if any) is intact and stays usable ('ready', with the
        // message in `error`); a set that never had one says what happened.
        this.catalogue.setStatus(set.id, set.file ? 'ready' : cancelled ? 'cancelled' : 'failed', message);
        emit(cancelled ? 'cancelled' : 'failed', 0, 0, message);
        throw cancelled ? new CancelledError(message) : error instanceof ExplorerError ? error : new ExplorerError(message);
      }
      this.#forget(set.id);
      emit('done', outcome.embedded, outcome.embedded, `${outcome.embedded} embedded, ${outcome.reused} reused, ${outcome.skipped} could not be read`);
      return this.catalogue.summary(set.id);
    } finally {
      this.#computing.delete(key);
    }
  }

  /** Stops every computation of the run's embedding sets. */
  cancel(runId: number): void {
    for (const job of this.#computing.values()) if (job.runId === runId) job.controller.abort();
  }

  list(runId: number): EmbeddingSetSummary[] {
    this.#options.runs.get(runId);
    return this.catalogue.listByRun(runId);
  }

  /** The set in memory (loaded once per generation). */
  loaded(setId: number): Promise<LoadedSet> {
    return cachedOnce(this.#loaded, setId, () => loadSet(this.catalogue, this.files, this.#set(setId), this.#indexThread));
  }

  async neighbours(setId: number, imageId: number, k: number): Promise<NeighbourResult> {
    const loaded = await this.loaded(setId);
    const position = loaded.positionOf.get(imageId);
    if (position === undefined) throw new ExplorerError(`image ${imageId} has no up-to-date embedding in set ${setId} (not in this dataset, unreadable, or changed since: compute the embeddings again)`);
    const row = loaded.rows[position]!;
    return {
      query: { imageId, relPath: row.relPath, name: path.posix.basename(row.relPath) },
      neighbours: (await this.#indexThread.neighboursOfRow(loaded.index, position, k)).map((n) => this.#neighbour(loaded, n)),
    };
  }

  /** Neighbours of an image from outside the set: a path, or a dropped file's bytes. */
  async neighboursOfFile(setId: number, input: { path?: string | undefined; bytesBase64?: string | undefined; name?: string | undefined; k: number }): Promise<NeighbourResult> {
    const loaded = await this.loaded(setId);
    const set = loaded.set;
    const run = this.#options.runs.get(set.runId);
    const resolved = await resolveEncoder(run, set.encoder, set.checkpoint);
    if (resolved.stamp !== set.checkpointStamp) {
      throw new ExplorerError(`the checkpoint of run ${set.runId} changed since set ${setId} was computed: compute the embeddings again so the query and the set use the same encoder`);
    }
    const name = input.name ?? (input.path ? path.basename(input.path) : 'the dropped file');
    const h = await embedQueryFile({ ...input, name }, { dataDir: this.#options.dataDir, cacheDir: this.#options.pixelCacheDir, encoder: resolved.source, embed: this.#options.embedQuery ?? this.#options.embed });
    return {
      query: { imageId: null, relPath: null, name },
      neighbours: (await this.#indexThread.topK(loaded.index, loaded.index.unitQuery(h), input.k)).map((n) => this.#neighbour(loaded, n)),
    };
  }

  /** The set's k-NN graph (GRAPH_K per image), computed once in the worker (reading the shared rows, no copy) and kept with the loaded set. */
  graph(setId: number): Promise<GraphJobResult> {
    return cachedOnce(this.#graphs, setId, () =>
      this.loaded(setId).then(({ index }) => this.#options.graph({ data: index.unit, rows: index.rows, dim: index.dim, k: GRAPH_K }, { onProgress: () => {} })),
    );
  }

  async duplicates(setId: number, threshold: number, limit: number): Promise<DuplicateList> {
    const loaded = await this.loaded(setId);
    const found = findDuplicateRows(await this.graph(setId), threshold, limit);
    return {
      threshold,
      truncated: found.truncated,
      pairs: found.pairs.map((p) => ({ a: this.#ref(loaded, p.a), b: this.#ref(loaded, p.b), similarity: p.similarity })),
    };
  }

  async outliers(setId: number, count: number, k: number): Promise<Outlier[]> {
    const loaded = await this.loaded(setId);
    return findOutlierRows(await this.graph(setId), k, count).map((o) => ({ ...this.#ref(loaded, o.row), kthSimilarity: o.kthSimilarity }));
  }

  /** PCA on the index thread, UMAP in the worker; cached per set generation, method and seed. */
  projection(setId: number, method: ProjectionMethod, seed: number): Promise<Projection> {
    let bySet = this.#projections.get(setId);
    if (!bySet) this.#projections.set(setId, (bySet = new Map()));
    return cachedOnce(bySet, `${method}:${method === 'pca' ? 0 : seed}`, () => this.#project(setId, method, seed));
  }

  async #project(setId: number, method: ProjectionMethod, seed: number): Promise<Projection> {
    return projectSet(await this.loaded(setId), method, seed, {
      files: this.files,
      project: this.#options.project,
      pca: (index) => this.#indexThread.pca(index),
      onProgress: (done, total) => this.#options.onProjectionProgress?.({ setId, method, done, total }),
    });
  }

  /** Closing: stops computations (their promises reject as cancelled) and the index thread. */
  close(): void {
    for (const job of this.#computing.values()) job.controller.abort();
    this.invalidate();
    void this.#indexThread.close();
  }

  #set(setId: number): StoredSet {
    const set = this.catalogue.get(setId);
    if (!set) throw new ExplorerError(`embedding set ${setId} does not exist`);
    return set;
  }

  #forget(setId: number): void {
    this.#loaded.delete(setId);
    this.#projections.delete(setId);
    this.#graphs.delete(setId);
  }

  #ref(loaded: LoadedSet, position: number): ExplorerImageRef {
    const row = loaded.rows[position]!;
    return { imageId: row.imageId, relPath: row.relPath };
  }

  #neighbour(loaded: LoadedSet, scored: ScoredRow): Neighbour {
    return { ...this.#ref(loaded, scored.row), similarity: scored.similarity };
  }
}

/** The promise `cache` holds under `key`, made by `make` on the first ask; one that fails is dropped, so the next ask tries again. */
function cachedOnce<K, V>(cache: Map<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let made = cache.get(key);
  if (!made) {
    made = make();
    cache.set(key, made);
    made.catch(() => cache.delete(key));
  }
  return made;
}

function isCancellation(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'AbortError' || name === 'JobCancelledError' || name === 'Cancelled';
}
