// Rows of experiments and runs turned into the contract's summaries (one place, so the
// list, the detail view and the events agree).
import { type ExperimentDetail, type ExperimentSummary, isStoppedEarlyRunStatus, type RunSummary, type TrainConfig } from '../../api/contract-experiments.ts';
import type { RunMetricsStore } from '../training/run-metrics-store.ts';
import type { ExperimentRow, ExperimentStore, RunRow } from './experiment-store.ts';

export function runSummary(row: RunRow, metrics: RunMetricsStore): RunSummary {
  const checkpoints = metrics.checkpoints(row.id);
  return {
    id: row.id,
    experimentId: row.experiment_id,
    status: row.status,
    reason: row.reason,
    resumeCount: row.resume_count,
    // A diverged run would diverge again from its checkpoint with the same settings.
    resumable: isStoppedEarlyRunStatus(row.status) && checkpoints.length > 0 && row.diverged === 0,
    diverged: row.diverged === 1,
    backend: row.backend,
    step: row.step,
    totalSteps: row.total_steps,
    epoch: row.epoch,
    epochs: row.epochs,
    lastLoss: row.last_loss,
    imagesPerSecond: row.images_per_second,
    skipped: JSON.parse(row.skipped_json) as { path: string; reason: string }[],
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trainingSeconds: row.training_seconds,
    checkpoints,
  };
}

export function experimentSummary(row: ExperimentRow, store: ExperimentStore, datasetName: (row: ExperimentRow) => string): ExperimentSummary {
  return summaryOf(row, store.runs(row.id), datasetName);
}

/** The summary from the experiment's runs, newest first (read once by the caller). */
function summaryOf(row: ExperimentRow, runs: RunRow[], datasetName: (row: ExperimentRow) => string): ExperimentSummary {
  const last = runs[0];
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetName: datasetName(row),
    name: row.name,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRunStatus: last?.status ?? null,
    lastRunId: last?.id ?? null,
    runCount: runs.length,
    lastLoss: last?.last_loss ?? null,
  };
}

export function experimentDetail(row: ExperimentRow, store: ExperimentStore, metrics: RunMetricsStore, datasetName: (row: ExperimentRow) => string): ExperimentDetail {
  const runs = store.runs(row.id);
  return {
    ...summaryOf(row, runs, datasetName),
    config: JSON.parse(row.config_json) as TrainConfig,
    configEditable: runs.length === 0,
    runs: runs.map((r) => runSummary(r, metrics)),
  };
}
