// The experiments' SQL: experiments and runs (migration 0002). One prepared statement per
// question, typed rows in and out. Only this file and run-metrics-store.ts write these
// tables; main is the only writer of SQLite (the worker sends, main stores).
import type { Db } from '../../db/open.ts';
import type { RunStatus } from '../../api/contract-experiments.ts';

export interface ExperimentRow {
  id: number;
  dataset_id: number | null;
  dataset_name: string;
  name: string;
  notes: string;
  config_json: string;
  created_at: string;
  updated_at: string;
}

export interface RunRow {
  id: number;
  experiment_id: number;
  status: RunStatus;
  reason: string | null;
  run_dir: string;
  backend: string | null;
  step: number;
  total_steps: number | null;
  epoch: number;
  epochs: number;
  last_loss: number | null;
  images_per_second: number | null;
  skipped_json: string;
  resume_count: number;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  training_seconds: number;
  /** 1 when its loss became NaN/Infinity (failed, not resumable); migration 0007. */
  diverged: 0 | 1;
}

/** Progress fields written while a run trains. */
export interface RunProgressUpdate {
  step: number;
  totalSteps: number | null;
  epoch: number;
  lastLoss: number | null;
  imagesPerSecond: number | null;
  trainingSeconds: number;
}

export class ExperimentStore {
  private readonly db: Db;
  private readonly stmt;

  constructor(db: Db) {
    this.db = db;
    this.stmt = {
      insertExperiment: db.prepare<[number, string, string, string, string, string, string], { id: number }>(
        'INSERT INTO experiments (dataset_id, dataset_name, name, notes, config_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      ),
      experiment: db.prepare<[number], ExperimentRow>('SELECT * FROM experiments WHERE id = ?'),
      allExperiments: db.prepare<[], ExperimentRow>('SELECT * FROM experiments ORDER BY created_at DESC, id DESC'),
      experimentsOfDataset: db.prepare<[number], ExperimentRow>('SELECT * FROM experiments WHERE dataset_id = ? ORDER BY created_at DESC, id DESC'),
      updateExperiment: db.prepare<{ id: number; name: string; notes: string; config_json: string; updated_at: string }>(
        'UPDATE experiments SET name = @name, notes = @notes, config_json = @config_json, updated_at = @updated_at WHERE id = @id',
      ),
      deleteExperiment: db.prepare<[number]>('DELETE FROM experiments WHERE id = ?'),
      insertRun: db.prepare<[number, string, number, string], { id: number }>(
        "INSERT INTO runs (experiment_id, status, run_dir, epochs, queued_at) VALUES (?, 'queued', ?, ?, ?) RETURNING id",
      ),
      setRunDir: db.prepare<[string, number]>('UPDATE runs SET run_dir = ? WHERE id = ?'),
      run: db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?'),
      runsOfExperiment: db.prepare<[number], RunRow>('SELECT * FROM runs WHERE experiment_id = ? ORDER BY id DESC'),
      runsWithStatus: db.prepare<[string, string, string], RunRow>('SELECT * FROM runs WHERE status IN (?, ?, ?) ORDER BY id'),
      setStatus: db.prepare<[RunStatus, string | null, number]>('UPDATE runs SET status = ?, reason = ? WHERE id = ?'),
      markStarted: db.prepare<[string, string, number]>("UPDATE runs SET status = 'running', reason = NULL, backend = ?, started_at = coalesce(started_at, ?) WHERE id = ?"),
      markFinished: db.prepare<[RunStatus, string | null, string, number]>('UPDATE runs SET status = ?, reason = ?, finished_at = ? WHERE id = ?'),
      markDiverged: db.prepare<[string, string, number]>("UPDATE runs SET status = 'failed', reason = ?, diverged = 1, finished_at = ? WHERE id = ?"),
      requeue: db.prepare<[string, number]>("UPDATE runs SET status = 'queued', reason = NULL, finished_at = NULL, queued_at = ?, resume_count = resume_count + 1 WHERE id = ?"),
      progress: db.prepare<{ id: number; step: number; total_steps: number | null; epoch: number; last_loss: number | null; images_per_second: number | null; training_seconds: number }>(
        `UPDATE runs SET step = @step, total_steps = coalesce(@total_steps, total_steps), epoch = @epoch, last_loss = coalesce(@last_loss, last_loss),
           images_per_second = coalesce(@images_per_second, images_per_second), training_seconds = @training_seconds WHERE id = @id`,
      ),
      setSkipped: db.prepare<[string, number]>('UPDATE runs SET skipped_json = ? WHERE id = ?'),
    };
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createExperiment(datasetId: number, datasetName: string, name: string, notes: string, configJson: string, now = new Date()): number {
    const at = now.toISOString();
    return this.stmt.insertExperiment.get(datasetId, datasetName, name, notes, configJson, at, at)!.id;
  }

  experiment(id: number): ExperimentRow | undefined {
    return this.stmt.experiment.get(id);
  }

  experiments(datasetId?: number): ExperimentRow[] {
    return datasetId === undefined ? this.stmt.allExperiments.all() : this.stmt.experimentsOfDataset.all(datasetId);
  }

  updateExperiment(row: Pick<ExperimentRow, 'id' | 'name' | 'notes' | 'config_json'>, now = new Date()): void {
    this.stmt.updateExperiment.run({ ...row, updated_at: now.toISOString() });
  }

  /** Deletes the experiment and (ON DELETE CASCADE) its runs, metrics and checkpoint rows. */
  deleteExperiment(id: number): void {
    this.stmt.deleteExperiment.run(id);
  }

  /** A new queued run; its folder is named after its id, so the path is set right after. */
  createRun(experimentId: number, epochs: number, runDirOf: (runId: number) => string, now = new Date()): number {
    return this.transaction(() => {
      const id = this.stmt.insertRun.get(experimentId, '', epochs, now.toISOString())!.id;
      this.stmt.setRunDir.run(runDirOf(id), id);
      return id;
    });
  }

  run(id: number): RunRow | undefined {
    return this.stmt.run.get(id);
  }

  runs(experimentId: number): RunRow[] {
    return this.stmt.runsOfExperiment.all(experimentId);
  }

  /** Runs in any of the given statuses (up to three), oldest first. */
  runsWithStatus(statuses: readonly RunStatus[]): RunRow[] {
    const [a, b = a, c = a] = statuses as [RunStatus, RunStatus?, RunStatus?];
    return this.stmt.runsWithStatus.all(a, b!, c!);
  }

  setStatus(runId: number, status: RunStatus, reason: string | null = null): void {
    this.stmt.setStatus.run(status, reason, runId);
  }

  markStarted(runId: number, backend: string, now = new Date()): void {
    this.stmt.markStarted.run(backend, now.toISOString(), runId);
  }

  markFinished(runId: number, status: RunStatus, reason: string | null, now = new Date()): void {
    this.stmt.markFinished.run(status, reason, now.toISOString(), runId);
  }

  /** Failed because its loss became NaN/Infinity: marked diverged, so it is never resumed. */
  markDiverged(runId: number, reason: string, now = new Date()): void {
    this.stmt.markDiverged.run(reason, now.toISOString(), runId);
  }

  /** Queues a stopped run again to continue from its checkpoint. */
  requeue(runId: number, now = new Date()): void {
    this.stmt.requeue.run(now.toISOString(), runId);
  }

  updateProgress(runId: number, update: RunProgressUpdate): void {
    this.stmt.progress.run({
      id: runId,
      step: update.step,
      total_steps: update.totalSteps,
      epoch: update.epoch,
      last_loss: finiteOrNull(update.lastLoss),
      images_per_second: finiteOrNull(update.imagesPerSecond),
      training_seconds: update.trainingSeconds,
    });
  }

  setSkipped(runId: number, skipped: readonly { path: string; reason: string }[]): void {
    this.stmt.setSkipped.run(JSON.stringify(skipped), runId);
  }
}

export function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}
