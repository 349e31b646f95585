// The library as the renderer sees it: the catalogued folders, which one is selected,
// the live progress of scans, and the actions on folders. Failures become notices in
// plain words; nothing here throws at a component.
import type { DatasetSummary, ScanProgress, ScanResult } from '../../../main/api/contract.ts';
import { whenReconnected, type StudioBridge } from '../api.ts';
import { errorMessage, plural } from '../format.ts';
import type { Notices } from './notices.svelte.ts';

/** Scan phases after which the progress bar goes away. */
const FINISHED_PHASES: ReadonlySet<ScanProgress['phase']> = new Set(['done', 'cancelled', 'failed']);

export function describeScan(name: string, result: ScanResult, isRescan: boolean): string {
  if (result.cancelled) return `Scanning “${name}” was cancelled; ${plural(result.images, 'image')} catalogued so far.`;
  const parts = [`${plural(result.images, 'image')} in the catalogue`];
  if (isRescan) parts.push(`${result.added} added, ${result.changed} changed, ${result.removed} removed`);
  if (result.skipped.length > 0) parts.push(`${plural(result.skipped.length, 'file')} skipped (see “Skipped”)`);
  return `“${name}”: ${parts.join('; ')}.`;
}

export class LibraryState {
  datasets = $state<DatasetSummary[]>([]);
  /** False until the first list arrives, so the empty-library screen does not flash. */
  loaded = $state(false);
  selectedId = $state<number | null>(null);
  /** Live progress of running scans, by dataset id. */
  progress = $state<Record<number, ScanProgress>>({});
  /** True while an add (folder or sample) is in flight. */
  adding = $state(false);

  selected = $derived(this.datasets.find((d) => d.id === this.selectedId) ?? this.datasets[0] ?? null);
  isEmpty = $derived(this.loaded && this.datasets.length === 0);

  readonly #studio: StudioBridge;
  readonly #notices: Notices;
  /** While an add runs: the ids known before it, so the new folder is selected when it appears. */
  #knownBeforeAdd: ReadonlySet<number> | null = null;

  constructor(studio: StudioBridge, notices: Notices) {
    this.#studio = studio;
    this.#notices = notices;
  }

  /** Subscribes to main's events and loads the list; returns the unsubscribe. */
  connect(): () => void {
    const offProgress = this.#studio.onScanProgress((progress) => this.#onProgress(progress));
    const offChanged = this.#studio.onDatasetsChanged(() => void this.refresh());
    const offReconnect = whenReconnected(this.#studio, () => void this.#resync());
    void this.refresh();
    return () => {
      offProgress();
      offChanged();
      offReconnect();
    };
  }

  async refresh(): Promise<void> {
    try {
      this.datasets = await this.#studio.listDatasets({});
      this.loaded = true;
      const known = this.#knownBeforeAdd;
      const added = known && this.datasets.find((d) => !known.has(d.id));
      if (added) {
        this.selectedId = added.id;
        this.#knownBeforeAdd = null;
      }
    } catch (error) {
      this.#notices.error(`Could not load the library: ${errorMessage(error)}`);
    }
  }

  /** After missed events: reload, and drop the progress of scans that ended meanwhile. */
  async #resync(): Promise<void> {
    await this.refresh();
    const scanning = new Set(this.datasets.filter((d) => d.status === 'scanning').map((d) => d.id));
    this.progress = Object.fromEntries(Object.entries(this.progress).filter(([id]) => scanning.has(Number(id))));
  }

  select(datasetId: number): void {
    this.selectedId = datasetId;
  }

  /** Adds (or re-scans) the folder at `path`; true when it worked. */
  async addFolder(path: string): Promise<boolean> {
    const trimmed = path.trim();
    if (!trimmed) {
      this.#notices.error('Type the path of a folder first.');
      return false;
    }
    // The library's messages name the folder, so the prefix does not repeat it.
    return this.#add(() => this.#studio.addDataset({ path: trimmed }), 'Could not add the folder');
  }

  async addSample(): Promise<boolean> {
    return this.#add(() => this.#studio.addSampleDataset({}), 'Could not add the sample images');
  }

  async rescan(dataset: DatasetSummary): Promise<void> {
    try {
      const result = await this.#studio.rescanDataset({ datasetId: dataset.id });
      this.#notices.info(describeScan(dataset.name, result, true));
    } catch (error) {
      this.#notices.error(`Could not re-scan “${dataset.name}”: ${errorMessage(error)}`);
    }
    await this.refresh();
  }

  async cancelScan(dataset: DatasetSummary): Promise<void> {
    try {
      await this.#studio.cancelScan({ datasetId: dataset.id });
    } catch (error) {
      this.#notices.error(`Could not cancel the scan of “${dataset.name}”: ${errorMessage(error)}`);
    }
  }

  async remove(dataset: DatasetSummary): Promise<void> {
    try {
      await this.#studio.removeDataset({ datasetId: dataset.id });
      if (this.selectedId === dataset.id) this.selectedId = null;
      this.#notices.info(`“${dataset.name}” was removed from the library. Its files on disk were not touched.`);
    } catch (error) {
      this.#notices.error(`Could not remove “${dataset.name}”: ${errorMessage(error)}`);
    }
    await this.refresh();
  }

  async #add(call: () => Promise<ScanResult>, failure: string): Promise<boolean> {
    this.adding = true;
    this.#knownBeforeAdd = new Set(this.datasets.map((d) => d.id));
    try {
      const result = await call();
      await this.refresh();
      this.selectedId = result.datasetId;
      const name = this.datasets.find((d) => d.id === result.datasetId)?.name ?? 'the folder';
      this.#notices.info(describeScan(name, result, false));
      return true;
    } catch (error) {
      this.#notices.error(`${failure}: ${errorMessage(error)}`);
      return false;
    } finally {
      this.adding = false;
      this.#knownBeforeAdd = null;
    }
  }

  #onProgress(progress: ScanProgress): void {
    if (FINISHED_PHASES.has(progress.phase)) {
      const { [progress.datasetId]: _finished, ...running } = this.progress;
      this.progress = running;
    } else {
      this.progress = { ...this.progress, [progress.datasetId]: progress };
    }
  }
}
