// Experiments: a name, notes and a training config (validated by the engine's own schema
// and stored resolved, so what is shown is what runs) on a dataset of the library.
// The config is frozen once the experiment has a run (a run's curves must match the
// config shown next to them); name and notes can always change. Deleting an experiment
// removes its rows and its folder under <data dir>/experiments — never the images.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ZodError } from 'zod';
import type { ExperimentDetail, ExperimentSummary, TrainConfig } from '../../api/contract-experiments.ts';
import { isActiveRunStatus } from '../../api/contract-experiments.ts';
import type { DatasetSummary } from '../../api/contract-library.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../../worker/simclr/config.ts';
import { formatZodIssues } from '../../zod-issues.ts';
import type { RunMetricsStore } from '../training/run-metrics-store.ts';
import type { ExperimentRow, ExperimentStore } from './experiment-store.ts';
import { experimentDetail, experimentSummary } from './summaries.ts';

/** A request about experiments that cannot be done; the message says why. */
export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

/** What the experiments need of the library. */
export interface DatasetLookup {
  listDatasets(): DatasetSummary[];
}

/**
 * A feature that keeps files made from runs outside the experiment's folder (the
 * explorer's embedding sets): told before the runs' rows are deleted, it returns what
 * deletes those files once they are.
 */
export interface RunFilesOwner {
  releaseRuns(runIds: readonly number[]): () => Promise<void>;
}

export interface ExperimentsServiceOptions {
  readonly store: ExperimentStore;
  readonly metrics: RunMetricsStore;
  readonly datasets: DatasetLookup;
  /** <data dir>/experiments */
  readonly experimentsDir: string;
  readonly runFiles?: RunFilesOwner;
  readonly onChanged?: () => void;
}

export class ExperimentsService {
  readonly #o: ExperimentsServiceOptions;

  constructor(options: ExperimentsServiceOptions) {
    this.#o = options;
  }

  /** Where an experiment's runs keep their checkpoints and encoders. */
  experimentDir(experimentId: number): string {
    return path.join(this.#o.experimentsDir, String(experimentId));
  }

  runDir(experimentId: number, runId: number): string {
    return path.join(this.experimentDir(experimentId), 'runs', String(runId));
  }

  list(datasetId?: number): ExperimentSummary[] {
    const names = this.#datasetNames();
    return this.#o.store.experiments(datasetId).map((row) => experimentSummary(row, this.#o.store, names));
  }

  get(experimentId: number): ExperimentDetail {
    return experimentDetail(this.require(experimentId), this.#o.store, this.#o.metrics, this.#datasetNames());
  }

  create(input: { datasetId: number; name: string; notes: string; config: Record<string, unknown> }): ExperimentDetail {
    const dataset = this.#o.datasets.listDatasets().find((d) => d.id === input.datasetId);
    if (!dataset) throw new ExperimentError(`There is no dataset with id ${input.datasetId} in the library (it may have been removed).`);
    const config = validConfig(input.config);
    const id = this.#o.store.createExperiment(dataset.id, dataset.name, input.name, input.notes, JSON.stringify(config));
    this.#o.onChanged?.();
    return this.get(id);
  }

  update(input: { experimentId: number; name?: string | undefined; notes?: string | undefined; config?: Record<string, unknown> | undefined }): ExperimentDetail {
    const row = this.require(input.experimentId);
    let configJson = row.config_json;
    if (input.config !== undefined) {
      const runs = this.#o.store.runs(row.id);
      if (runs.length > 0) {
        throw new ExperimentError(
          `The settings of '${row.name}' cannot change: it has ${runs.length} run(s) whose curves belong to these settings. ` + 'Duplicate it as a new experiment to try other settings.',
        );
      }
      configJson = JSON.stringify(validConfig(input.config));
    }
    this.#o.store.updateExperiment({ id: row.id, name: input.name ?? row.name, notes: input.notes ?? row.notes, config_json: configJson });
    this.#o.onChanged?.();
    return this.get(row.id);
  }

  /** Refused while a run is queued, running or paused (cancel it first). */
  async delete(experimentId: number): Promise<void> {
    const row = this.require(experimentId);
    const runs = this.#o.store.runs(row.id);
    const active = runs.find((r) => isActiveRunStatus(r.status));
    if (active) throw new ExperimentError(`'${row.name}' cannot be deleted while its run ${active.id} is ${active.status}; cancel the run first.`);
    const removeRunFiles = this.#o.runFiles?.releaseRuns(runs.map((r) => r.id));
    this.#o.store.deleteExperiment(row.id);
    // Only the folders and files this app created for the experiment; the dataset's images are elsewhere and untouched.
    await fs.rm(this.experimentDir(row.id), { recursive: true, force: true });
    await removeRunFiles?.();
    this.#o.onChanged?.();
  }

  /** The experiment row, or ExperimentError naming the id. */
  require(experimentId: number): ExperimentRow {
    const row = this.#o.store.experiment(experimentId);
    if (!row) throw new ExperimentError(`There is no experiment with id ${experimentId} (it may have been deleted).`);
    return row;
  }

  config(row: ExperimentRow): TrainConfig {
    return JSON.parse(row.config_json) as TrainConfig;
  }

  #datasetNames(): (row: ExperimentRow) => string {
    const current = new Map(this.#o.datasets.listDatasets().map((d) => [d.id, d.name]));
    return (row) => (row.dataset_id !== null ? current.get(row.dataset_id) : undefined) ?? `${row.dataset_name} (removed from the library)`;
  }
}

/** The engine's schema validates; its messages name the field. Resolved so every default is written out. */
export function validConfig(input: Record<string, unknown>): TrainConfig {
  try {
    return resolveTrainConfig(input as TrainConfigInput);
  } catch (error) {
    if (error instanceof ZodError) {
      throw new ExperimentError(`The training settings are not valid: ${formatZodIssues(error, { whole: 'config' })}.`);
    }
    throw error;
  }
}
