// A run's metrics and checkpoints in SQLite (tables of migration 0002). Progress arrives
// from the worker in batches; each batch is stored in ONE synchronous transaction.
import type { Db } from '../../db/open.ts';
import type { CheckpointSummary, EpochMetricRow, StepMetricRow } from '../../api/contract-experiments.ts';
import { finiteOrNull } from '../experiments/experiment-store.ts';

interface MetricRow {
  kind: 'step' | 'epoch';
  step: number;
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  lr: number | null;
  temperature: number | null;
  z_std: number | null;
  images_per_second: number | null;
  seconds: number | null;
  steps: number | null;
}

export class RunMetricsStore {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare(
        `INSERT OR REPLACE INTO run_metrics (run_id, kind, step, epoch, loss, accuracy, lr, temperature, z_std, images_per_second, seconds, steps)
         VALUES (@run_id, @kind, @step, @epoch, @loss, @accuracy, @lr, @temperature, @z_std, @images_per_second, @seconds, @steps)`,
      ),
      steps: db.prepare<[number, number], MetricRow>("SELECT * FROM run_metrics WHERE run_id = ? AND kind = 'step' AND step > ? ORDER BY step"),
      epochs: db.prepare<[number], MetricRow>("SELECT * FROM run_metrics WHERE run_id = ? AND kind = 'epoch' ORDER BY step"),
      dropStepsAfter: db.prepare<[number, number]>("DELETE FROM run_metrics WHERE run_id = ? AND kind = 'step' AND step > ?"),
      dropEpochsAfter: db.prepare<[number, number]>("DELETE FROM run_metrics WHERE run_id = ? AND kind = 'epoch' AND step > ?"),
      upsertCheckpoint: db.prepare<[number, string, number, number, string]>(
        'INSERT INTO run_checkpoints (run_id, path, epoch, step, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET epoch = excluded.epoch, step = excluded.step, created_at = excluded.created_at',
      ),
      checkpoints: db.prepare<[number], { path: string; epoch: number; step: number; created_at: string }>('SELECT path, epoch, step, created_at FROM run_checkpoints WHERE run_id = ? ORDER BY step DESC, path'),
    };
  }

  addStep(runId: number, m: StepMetricRow): void {
    this.insert(runId, 'step', m.step, m.epoch, {
      loss: finiteOrNull(m.loss),
      accuracy: finiteOrNull(m.accuracy),
      lr: finiteOrNull(m.lr),
      temperature: finiteOrNull(m.temperature),
      z_std: finiteOrNull(m.zStd),
      images_per_second: finiteOrNull(m.imagesPerSecond),
    });
  }

  /** An epoch's row is keyed by its epoch number in the step column. */
  addEpoch(runId: number, m: EpochMetricRow): void {
    this.insert(runId, 'epoch', m.epoch, m.epoch, {
      loss: finiteOrNull(m.meanLoss),
      accuracy: finiteOrNull(m.meanAccuracy),
      images_per_second: finiteOrNull(m.imagesPerSecond),
      seconds: m.seconds,
      steps: m.steps,
    });
  }

  /** One row of run_metrics; the columns a kind does not have are stored as NULL. */
  private insert(runId: number, kind: MetricRow['kind'], step: number, epoch: number, values: Partial<Omit<MetricRow, 'kind' | 'step' | 'epoch'>>): void {
    this.stmt.insert.run({
      run_id: runId,
      kind,
      step,
      epoch,
      loss: null,
      accuracy: null,
      lr: null,
      temperature: null,
      z_std: null,
      images_per_second: null,
      seconds: null,
      steps: null,
      ...values,
    });
  }

  /**
   * Resuming from a checkpoint at (step, epoch): metrics recorded after it (by a process
   * that stopped before its next checkpoint) are dropped, since those steps run again.
   */
  truncateAfter(runId: number, step: number, epoch: number): void {
    this.stmt.dropStepsAfter.run(runId, step);
    this.stmt.dropEpochsAfter.run(runId, epoch);
  }

  steps(runId: number, afterStep: number): StepMetricRow[] {
    return this.stmt.steps.all(runId, afterStep).map((r) => ({
      step: r.step,
      epoch: r.epoch,
      loss: r.loss ?? Number.NaN,
      accuracy: r.accuracy ?? Number.NaN,
      lr: r.lr ?? Number.NaN,
      temperature: r.temperature ?? Number.NaN,
      zStd: r.z_std ?? Number.NaN,
      imagesPerSecond: r.images_per_second ?? 0,
    }));
  }

  epochs(runId: number): EpochMetricRow[] {
    return this.stmt.epochs.all(runId).map((r) => ({
      epoch: r.step,
      steps: r.steps ?? 0,
      meanLoss: r.loss ?? Number.NaN,
      meanAccuracy: r.accuracy ?? Number.NaN,
      imagesPerSecond: r.images_per_second ?? 0,
      seconds: r.seconds ?? 0,
    }));
  }

  recordCheckpoint(runId: number, file: string, epoch: number, step: number, now = new Date()): void {
    this.stmt.upsertCheckpoint.run(runId, file, epoch, step, now.toISOString());
  }

  checkpoints(runId: number): CheckpointSummary[] {
    return this.stmt.checkpoints.all(runId).map((r) => ({ path: r.path, epoch: r.epoch, step: r.step, createdAt: r.created_at }));
  }
}
