// Experiments as the renderer sees them: the list, which one is open (or the "New
// experiment" form, or the comparison), the open one's detail with its runs, and the
// actions on them. Failures become notices in plain words, except the create form's
// validation, which is returned so the form can show it next to the fields.
import type { ExperimentDetail, ExperimentSummary, RunSummary, TrainConfigInput } from '../../../main/api/contract.ts';
import { whenReconnected, type StudioBridge } from '../api.ts';
import { errorMessage } from '../format.ts';
import type { Notices } from './notices.svelte.ts';

export type ExperimentsView = { kind: 'empty' } | { kind: 'new' } | { kind: 'detail'; experimentId: number } | { kind: 'compare' };

export interface NewExperimentInput {
  datasetId: number;
  name: string;
  notes: string;
  config: TrainConfigInput;
}

export type CreateResult = { ok: true; experiment: ExperimentDetail } | { ok: false; message: string };

export class ExperimentsState {
  list = $state<ExperimentSummary[]>([]);
  loaded = $state(false);
  view = $state<ExperimentsView>({ kind: 'empty' });
  /** The open experiment's detail (runs newest first), or null while none is open or loading. */
  detail = $state<ExperimentDetail | null>(null);

  /** The open experiment's newest run (the one the monitor shows), or null. */
  currentRun = $derived<RunSummary | null>(this.detail?.runs[0] ?? null);

  readonly #studio: StudioBridge;
  readonly #notices: Notices;

  constructor(studio: StudioBridge, notices: Notices) {
    this.#studio = studio;
    this.#notices = notices;
  }

  /** Subscribes to main's events and loads the list; returns the unsubscribe. */
  connect(): () => void {
    const offChanged = this.#studio.onExperimentsChanged(() => void this.refresh());
    const offStatus = this.#studio.onRunStatusChanged((change) => {
      void this.refreshList();
      if (this.detail?.id === change.experimentId) void this.#loadDetail(change.experimentId);
    });
    // Runs may have started, finished or failed while the events could not arrive.
    const offReconnect = whenReconnected(this.#studio, () => void this.refresh());
    void this.refresh();
    return () => {
      offChanged();
      offStatus();
      offReconnect();
    };
  }

  async refresh(): Promise<void> {
    await this.refreshList();
    const view = this.view;
    if (view.kind === 'detail') {
      if (this.list.some((e) => e.id === view.experimentId)) await this.#loadDetail(view.experimentId);
      else this.#close();
    }
  }

  async refreshList(): Promise<void> {
    try {
      this.list = await this.#studio.listExperiments({});
      this.loaded = true;
      if (this.view.kind === 'empty' && this.list.length > 0) this.open(this.list[0]!.id);
    } catch (error) {
      this.#notices.error(`Could not load the experiments: ${errorMessage(error)}`);
    }
  }

  open(experimentId: number): void {
    this.view = { kind: 'detail', experimentId };
    if (this.detail?.id !== experimentId) this.detail = null;
    void this.#loadDetail(experimentId);
  }

  showNew(): void {
    this.view = { kind: 'new' };
  }

  showCompare(): void {
    this.view = { kind: 'compare' };
  }

  /** Leaves the form or the comparison for the newest experiment (or the welcome). */
  back(): void {
    const first = this.list[0];
    if (first) this.open(first.id);
    else this.view = { kind: 'empty' };
  }

  /** Creates the experiment and opens it; a refusal (e.g. invalid settings) is returned, not noticed. */
  async create(input: NewExperimentInput): Promise<CreateResult> {
    try {
      const experiment = await this.#studio.createExperiment(input);
      this.detail = experiment;
      this.view = { kind: 'detail', experimentId: experiment.id };
      await this.refreshList();
      return { ok: true, experiment };
    } catch (error) {
      return { ok: false, message: errorMessage(error) };
    }
  }

  /** Renames or re-notes; true when it was saved. */
  async update(experimentId: number, change: { name?: string; notes?: string }): Promise<boolean> {
    try {
      const detail = await this.#studio.updateExperiment({ experimentId, ...change });
      if (this.detail?.id === experimentId) this.detail = detail;
      await this.refreshList();
      return true;
    } catch (error) {
      this.#notices.error(`Could not save the experiment: ${errorMessage(error)}`);
      return false;
    }
  }

  async remove(experiment: ExperimentSummary): Promise<void> {
    try {
      await this.#studio.deleteExperiment({ experimentId: experiment.id });
      this.#notices.info(`“${experiment.name}” was deleted with its runs and checkpoints. Your images were not touched.`);
    } catch (error) {
      this.#notices.error(`Could not delete “${experiment.name}”: ${errorMessage(error)}`);
    }
    await this.refreshList();
    const view = this.view;
    if (view.kind === 'detail' && !this.list.some((e) => e.id === view.experimentId)) this.#close();
  }

  /** Queues a new run, or (resume) continues the latest stopped run from its checkpoint. */
  async start(experimentId: number, resume: boolean): Promise<RunSummary | null> {
    try {
      const run = await this.#studio.startRun({ experimentId, resume });
      await this.#loadDetail(experimentId);
      await this.refreshList();
      return run;
    } catch (error) {
      this.#notices.error(`Could not ${resume ? 'resume' : 'start'} the run: ${errorMessage(error)}`);
      return null;
    }
  }

  async #loadDetail(experimentId: number): Promise<void> {
    try {
      const detail = await this.#studio.getExperiment({ experimentId });
      // A later open() may have moved on while this was loading.
      const view = this.view;
      if (view.kind === 'detail' && view.experimentId === experimentId) this.detail = detail;
    } catch (error) {
      this.#notices.error(`Could not open the experiment: ${errorMessage(error)}`);
    }
  }

  #close(): void {
    this.detail = null;
    this.view = this.list.length > 0 ? { kind: 'detail', experimentId: this.list[0]!.id } : { kind: 'empty' };
    if (this.view.kind === 'detail') void this.#loadDetail(this.view.experimentId);
  }
}
