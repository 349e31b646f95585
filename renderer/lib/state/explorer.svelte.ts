// The embedding explorer as the renderer sees it: the run being explored, its embedding
// set (computed on open, with progress and cancel), the map (PCA at once, UMAP when it
// is ready), the selection, the neighbour query (an image of the set or a dropped file)
// with its "before" twin under a random-initialised encoder, and the lists (duplicates,
// outliers, label accuracy). Exports are plain calls made by the export panel.
import type {
  DuplicateList,
  EmbeddingProgress,
  EmbeddingSetSummary,
  LabelEvaluation,
  NeighbourResult,
  Outlier,
  ProjectionMethod,
  ProjectionProgress,
} from '../../../main/api/contract.ts';
import { indexById, mapPointsFrom, type MapPoints } from '../../components/scatter/map-points.ts';
import type { StudioBridge } from '../api.ts';
import { errorMessage } from '../format.ts';
import type { Notices } from './notices.svelte.ts';

/** What the neighbour panel asks about: an image of the set, or a file from outside. */
export type NeighbourQuery =
  | { kind: 'image'; imageId: number }
  | { kind: 'file'; name: string; path: string | null; bytesBase64: string | null };

export const NEIGHBOUR_COUNT = 12;

export class ExplorerState {
  /** The run being explored (null: none chosen yet). */
  runId = $state<number | null>(null);
  set = $state<EmbeddingSetSummary | null>(null);
  /** Progress of the embedding job while it runs (null otherwise). */
  computing = $state<EmbeddingProgress | null>(null);
  /** Why the embeddings could not be computed (shown in place of the map). */
  error = $state<string | null>(null);

  /** Which projection the map shows, and the one being computed (UMAP) with its progress. */
  method = $state<ProjectionMethod | null>(null);
  points = $state.raw<MapPoints | null>(null);
  umapProgress = $state<ProjectionProgress | null>(null);
  umapNote = $state<string | null>(null);

  /** Selected point indices on the map (lasso, click, shift-click). */
  selection = $state.raw<readonly number[]>([]);

  query = $state.raw<NeighbourQuery | null>(null);
  neighbours = $state.raw<NeighbourResult | null>(null);
  neighboursError = $state<string | null>(null);
  neighboursLoading = $state(false);
  /** Before/after: also show the neighbours under a random-initialised encoder. */
  compare = $state(false);
  randomSet = $state<EmbeddingSetSummary | null>(null);
  randomNeighbours = $state.raw<NeighbourResult | null>(null);
  randomStatus = $state<string | null>(null);

  duplicateThreshold = $state(0.95);
  duplicates = $state.raw<DuplicateList | null>(null);
  outliers = $state.raw<Outlier[] | null>(null);
  labels = $state.raw<LabelEvaluation | null>(null);

  /** Point index per image id of the shown map. */
  readonly pointIndex = $derived(this.points ? indexById(this.points) : new Map<number, number>());
  readonly datasetId = $derived(this.set?.datasetId ?? null);
  readonly selectedImageIds = $derived(this.points ? this.selection.map((i) => this.points!.imageIds[i]!) : []);

  readonly #studio: StudioBridge;
  readonly #notices: Notices;
  /** Bumped on every open: answers for an earlier run are dropped. */
  #generation = 0;
  #duplicateRequest = 0;
  #neighbourRequest = 0;

  constructor(studio: StudioBridge, notices: Notices) {
    this.#studio = studio;
    this.#notices = notices;
  }

  /** Subscribes to the embedding and projection progress; returns the unsubscribe. */
  connect(): () => void {
    const offEmbedding = this.#studio.onEmbeddingProgress((progress) => {
      // Only the trained set's job shows a progress bar; the random set's has its own note.
      // The end of a job (done, cancelled, failed) is what computeEmbeddings resolves or
      // rejects with: a late end event of a cancelled job must not take over the bar of
      // the computation started again after it.
      const ended = progress.phase === 'done' || progress.phase === 'cancelled' || progress.phase === 'failed';
      if (progress.runId === this.runId && this.computing !== null && !ended) this.computing = progress;
    });
    const offProjection = this.#studio.onProjectionProgress((progress) => {
      if (progress.setId === this.set?.id && progress.method === 'umap') this.umapProgress = progress;
    });
    return () => {
      offEmbedding();
      offProjection();
    };
  }

  /** Opens a run: computes (or reuses) its embeddings, then draws PCA and UMAP. */
  async open(runId: number): Promise<void> {
    const generation = ++this.#generation;
    this.#reset(runId);
    this.computing = { runId, setId: 0, phase: 'loading', done: 0, total: 0, message: null };
    let set: EmbeddingSetSummary;
    try {
      set = await this.#studio.computeEmbeddings({ runId });
    } catch (error) {
      if (generation !== this.#generation) return;
      this.computing = null;
      this.error = error instanceof Error && error.name === 'Cancelled' ? 'Cancelled. Press “Compute embeddings” to start again.' : errorMessage(error);
      return;
    }
    if (generation !== this.#generation) return;
    this.computing = null;
    this.set = set;
    await this.#loadProjection(set, 'pca', generation);
    void this.#loadLists(set, generation);
    await this.#loadProjection(set, 'umap', generation);
  }

  /**
   * An image clicked in the library grid: its neighbours in the explored run when that
   * run is on the image's folder; otherwise `runId` (a finished run on that folder, or
   * null when there is none) is opened first.
   */
  async neighboursOfLibraryImage(datasetId: number, imageId: number, runId: number | null): Promise<void> {
    if (this.set?.datasetId !== datasetId) {
      if (runId === null) {
        this.#notices.info('To see neighbours, train a run on this folder first (Experiments), then it can be explored.');
        return;
      }
      await this.open(runId);
      if (this.set?.datasetId !== datasetId) return;
    }
    this.selectImages([imageId]);
    await this.showNeighbours({ kind: 'image', imageId });
  }

  async cancel(): Promise<void> {
    if (this.runId === null) return;
    try {
      await this.#studio.cancelEmbeddings({ runId: this.runId });
    } catch (error) {
      this.#notices.error(`Could not cancel: ${errorMessage(error)}`);
    }
  }

  select(indices: readonly number[]): void {
    const before = new Set(this.selection);
    const added = indices.filter((i) => !before.has(i));
    this.selection = indices;
    // One point newly picked (click or shift-click): show its neighbours.
    if (added.length === 1 && this.points) void this.showNeighbours({ kind: 'image', imageId: this.points.imageIds[added[0]!]! });
  }

  /** Selects the images (by id) that are on the map. */
  selectImages(imageIds: readonly number[]): void {
    this.selection = imageIds.map((id) => this.pointIndex.get(id)).filter((i): i is number => i !== undefined);
  }

  async showNeighbours(query: NeighbourQuery): Promise<void> {
    const set = this.set;
    if (!set) return;
    const request = ++this.#neighbourRequest;
    this.query = query;
    this.neighboursLoading = true;
    this.neighboursError = null;
    this.randomNeighbours = null;
    try {
      const result = await this.#ask(set.id, query);
      if (request !== this.#neighbourRequest) return;
      this.neighbours = result;
    } catch (error) {
      if (request !== this.#neighbourRequest) return;
      this.neighbours = null;
      this.neighboursError = errorMessage(error);
    } finally {
      if (request === this.#neighbourRequest) this.neighboursLoading = false;
    }
    if (this.compare) await this.#loadRandomNeighbours(request);
  }

  /** Before/after: on turns the random-encoder set on (computed once) and queries it too. */
  async setCompare(on: boolean): Promise<void> {
    this.compare = on;
    if (on) await this.#loadRandomNeighbours(this.#neighbourRequest);
  }

  async setDuplicateThreshold(threshold: number): Promise<void> {
    this.duplicateThreshold = threshold;
    const set = this.set;
    if (!set) return;
    const request = ++this.#duplicateRequest;
    try {
      const list = await this.#studio.listDuplicates({ setId: set.id, threshold, limit: 200 });
      if (request === this.#duplicateRequest) this.duplicates = list;
    } catch (error) {
      this.#notices.error(`Could not list near-duplicates: ${errorMessage(error)}`);
    }
  }

  async #ask(setId: number, query: NeighbourQuery): Promise<NeighbourResult> {
    if (query.kind === 'image') return this.#studio.getNeighbours({ setId, imageId: query.imageId, k: NEIGHBOUR_COUNT });
    return this.#studio.findNeighboursOfFile({
      setId,
      name: query.name,
      k: NEIGHBOUR_COUNT,
      ...(query.path !== null ? { path: query.path } : { bytesBase64: query.bytesBase64! }),
    });
  }

  async #loadRandomNeighbours(request: number): Promise<void> {
    const runId = this.runId;
    const query = this.query;
    if (runId === null || !query) return;
    try {
      if (!this.randomSet || this.randomSet.runId !== runId) {
        this.randomStatus = 'Embedding the images with a random-initialised encoder…';
        this.randomSet = await this.#studio.computeEmbeddings({ runId, encoder: 'random' });
      }
      this.randomStatus = null;
      const result = await this.#ask(this.randomSet.id, query);
      if (request === this.#neighbourRequest && this.compare) this.randomNeighbours = result;
    } catch (error) {
      this.randomStatus = `The random-encoder view is not available: ${errorMessage(error)}`;
    }
  }

  async #loadProjection(set: EmbeddingSetSummary, method: ProjectionMethod, generation: number): Promise<void> {
    if (method === 'umap') this.umapProgress = { setId: set.id, method, done: 0, total: 0 };
    try {
      const projection = await this.#studio.getProjection({ setId: set.id, method });
      if (generation !== this.#generation) return;
      const points = mapPointsFrom(projection);
      // The selection is by point index: carry it over by image id.
      const ids = this.selectedImageIds;
      this.points = points;
      this.method = method;
      this.selectImages(ids);
    } catch (error) {
      if (generation !== this.#generation) return;
      if (method === 'umap') this.umapNote = `UMAP is not available, the map stays PCA: ${errorMessage(error)}`;
      else this.error = `Could not compute the map: ${errorMessage(error)}`;
    } finally {
      if (method === 'umap' && generation === this.#generation) this.umapProgress = null;
    }
  }

  async #loadLists(set: EmbeddingSetSummary, generation: number): Promise<void> {
    const [duplicates, outliers, labels] = await Promise.allSettled([
      this.#studio.listDuplicates({ setId: set.id, threshold: this.duplicateThreshold, limit: 200 }),
      this.#studio.listOutliers({ setId: set.id, count: 30 }),
      this.#studio.evaluateLabels({ setId: set.id }),
    ]);
    if (generation !== this.#generation) return;
    for (const result of [duplicates, outliers, labels]) {
      if (result.status === 'rejected') this.#notices.error(`Could not load the explorer's lists: ${errorMessage(result.reason)}`);
    }
    if (duplicates.status === 'fulfilled') this.duplicates = duplicates.value;
    if (outliers.status === 'fulfilled') this.outliers = outliers.value;
    if (labels.status === 'fulfilled') this.labels = labels.value;
  }

  #reset(runId: number): void {
    this.runId = runId;
    this.set = null;
    this.error = null;
    this.method = null;
    this.points = null;
    this.umapProgress = null;
    this.umapNote = null;
    this.selection = [];
    this.query = null;
    this.neighbours = null;
    this.neighboursError = null;
    this.randomSet = null;
    this.randomNeighbours = null;
    this.randomStatus = null;
    this.duplicates = null;
    this.outliers = null;
    this.labels = null;
  }
}
