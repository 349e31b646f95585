// Runs of experiments in the one worker thread: queue (one run at a time, the rest wait
// in order), status transitions with their reasons, progress persisted and relayed a few
// times a second, cooperative pause/resume/cancel, and recovery of runs the previous
// process left behind (crash or quit) as 'interrupted', resumable from their checkpoint.
//
// Status machine:  queued → running ⇄ paused → done | failed | cancelled
//                  (any active status) → interrupted   when the app stops
//                  interrupted | cancelled | failed → queued   on resume (same run)
import fs from 'node:fs/promises';
import type { RunMetrics, RunProgress, RunStatus, RunStatusChange, RunSummary } from '../../api/contract-experiments.ts';
import { ACTIVE_RUN_STATUSES, isStoppedEarlyRunStatus } from '../../api/contract-experiments.ts';
import type { TrainJobResult } from '../../../worker/jobs/train-job.ts';
import { lastCheckpointPath } from '../../../worker/simclr/checkpoint.ts';
import { errorMessage } from '../../error-message.ts';
import type { ExperimentStore, RunRow } from '../experiments/experiment-store.ts';
import type { ExperimentsService } from '../experiments/experiments-service.ts';
import { runSummary } from '../experiments/summaries.ts';
import { JobCancelledError, type WorkerHost } from '../worker-host/worker-host.ts';
import { divergedReason } from './diverged.ts';
import { runInput, RunRefusedError, type TrainingDatasets } from './run-images.ts';
import type { RunMetricsStore } from './run-metrics-store.ts';
import { RunProgressRelay } from './run-progress-relay.ts';

export interface TrainingServiceOptions {
  readonly store: ExperimentStore;
  readonly metrics: RunMetricsStore;
  readonly experiments: ExperimentsService;
  readonly datasets: TrainingDatasets;
  readonly host: WorkerHost;
  /** <data dir>/cache/pixels, shared with the CLI. */
  readonly pixelCacheDir: string;
  readonly onProgress: (progress: RunProgress) => void;
  readonly onStatus: (change: RunStatusChange) => void;
  /** Progress events at most this often (default 250 ms). */
  readonly progressIntervalMs?: number;
  /** True when this studio owns the data directory's training (no other live studio does); see owner-lock.ts. */
  readonly claimDataDir?: () => boolean;
  /** How long close() lets a running run save a checkpoint before stopping the worker (default 15 s). */
  readonly closeGraceMs?: number;
}

interface ActiveRun {
  readonly runId: number;
  readonly experimentId: number;
  readonly jobId: string;
  readonly relay: RunProgressRelay;
  readonly done: Promise<void>;
  /** Set by cancelRun; the outcome is then 'cancelled' whatever the job returns. */
  cancelRequested: boolean;
  /** Progress could not be stored: the run was stopped and fails with this message. */
  storeError: string | null;
}

export class TrainingService {
  readonly #o: TrainingServiceOptions;
  readonly #active = new Map<number, ActiveRun>();
  #closing = false;
  #jobSerial = 0;

  constructor(options: TrainingServiceOptions) {
    this.#o = options;
  }

  /**
   * Marks runs a previous process left queued, running or paused as 'interrupted' with
   * the reason. Call once at start-up, before any run starts. Returns their ids.
   */
  recoverInterruptedRuns(): number[] {
    const left = this.#o.store.runsWithStatus(ACTIVE_RUN_STATUSES).filter((r) => !this.#active.has(r.id));
    for (const row of left) {
      const checkpoint = this.#o.metrics.checkpoints(row.id)[0];
      const where = checkpoint ? `resume continues from its last checkpoint (step ${checkpoint.step})` : 'it had not reached its first checkpoint, so start it again';
      this.#setStatus(row, 'interrupted', `the app stopped while this run was ${row.status}; ${where}`, true);
    }
    return left.map((r) => r.id);
  }

  async startRun(experimentId: number, resume: boolean): Promise<RunSummary> {
    if (this.#closing) throw new RunRefusedError('The app is closing; start the run again after it restarts.');
    if (this.#o.claimDataDir && !this.#o.claimDataDir()) {
      throw new RunRefusedError('Another SimCLR Studio window or process is training from this data folder; start runs there, or close it first.');
    }
    const experiment = this.#o.experiments.require(experimentId);
    const config = this.#o.experiments.config(experiment);
    // Checked before anything is queued, so a refusal leaves nothing behind.
    const input = await runInput(this.#o.datasets, experiment.dataset_id, experiment.dataset_name, config);

    let row: RunRow;
    let resumeFrom: { step: number; epoch: number } | null = null;
    if (resume) {
      const previous = this.#o.store.runs(experimentId).find((r) => isStoppedEarlyRunStatus(r.status));
      if (!previous) throw new RunRefusedError(`'${experiment.name}' has no interrupted, cancelled or failed run to resume; start a new run.`);
      if (previous.diverged) {
        throw new RunRefusedError(`Run ${previous.id} of '${experiment.name}' cannot be resumed: its loss diverged, and with the same settings it would again. Start a new experiment (Duplicate) with a lower learning rate or a higher temperature.`);
      }
      const checkpoint = this.#o.metrics.checkpoints(previous.id).find((c) => c.path === lastCheckpointPath(previous.run_dir));
      const onDisk = checkpoint && (await fs.stat(checkpoint.path).catch(() => null))?.isFile();
      if (!checkpoint || !onDisk) throw new RunRefusedError(`Run ${previous.id} of '${experiment.name}' has no checkpoint to resume from; start a new run.`);
      // Two resumes at once (a double click): the first has queued it meanwhile.
      if (this.#active.has(previous.id) || !isStoppedEarlyRunStatus(this.#o.store.run(previous.id)!.status)) {
        throw new RunRefusedError(`Run ${previous.id} of '${experiment.name}' is already queued to resume.`);
      }
      resumeFrom = { step: checkpoint.step, epoch: checkpoint.epoch };
      this.#o.store.transaction(() => {
        // The steps after the checkpoint run again: their old metrics go.
        this.#o.metrics.truncateAfter(previous.id, checkpoint.step, checkpoint.epoch);
        this.#o.store.updateProgress(previous.id, { step: checkpoint.step, totalSteps: null, epoch: checkpoint.epoch, lastLoss: null, imagesPerSecond: null, trainingSeconds: previous.training_seconds });
        this.#o.store.requeue(previous.id);
      });
      row = this.#o.store.run(previous.id)!;
    } else {
      const runId = this.#o.store.createRun(experimentId, config.epochs, (id) => this.#o.experiments.runDir(experimentId, id));
      row = this.#o.store.run(runId)!;
    }
    this.#emitStatus(row.id, experimentId, 'queued', null);

    const jobId = `run-${row.id}-${++this.#jobSerial}`;
    const relay = new RunProgressRelay({
      runId: row.id,
      experimentId,
      config,
      runDir: row.run_dir,
      store: this.#o.store,
      metrics: this.#o.metrics,
      emit: this.#o.onProgress,
      onSkipped: (skipped) => this.#o.store.setSkipped(row.id, skipped),
      onStoreError: (error) => {
        if (active.storeError) return;
        active.storeError = `its progress could not be saved in the catalogue (${error.message}); the run was stopped, its last checkpoint is intact`;
        this.#o.host.cancel(jobId);
      },
      startStep: resumeFrom?.step ?? 0,
      startEpoch: resumeFrom?.epoch ?? 0,
      trainingSeconds: row.training_seconds,
      ...(this.#o.progressIntervalMs !== undefined ? { intervalMs: this.#o.progressIntervalMs } : {}),
    });
    const job = this.#o.host.run(
      'train',
      { folder: input.folder, images: input.images, config, runDir: row.run_dir, cacheDir: this.#o.pixelCacheDir, resume: resumeFrom !== null },
      {
        jobId,
        onStart: () => {
          const pausedWhileQueued = this.#o.store.run(row.id)?.status === 'paused';
          this.#o.store.markStarted(row.id, this.#o.host.ready?.backend ?? 'unknown');
          // Paused while still queued: it starts paused (the host forwards the pause) and its clock waits.
          if (pausedWhileQueued) this.#o.store.setStatus(row.id, 'paused');
          else {
            relay.running();
            this.#emitStatus(row.id, experimentId, 'running', null);
          }
        },
        onProgress: (p) => relay.accept(p),
        onLog: (level, message) => relay.log(level, message),
      },
    );
    const active: ActiveRun = { runId: row.id, experimentId, jobId, relay, done: Promise.resolve(), cancelRequested: false, storeError: null };
    (active as { done: Promise<void> }).done = job
      .then(
        (result) => this.#finished(active, result),
        (error: unknown) => this.#failed(active, error),
      )
      // Recording the end failed too (the catalogue cannot be written): say so, never crash the app.
      .catch((error: unknown) => console.error(`SimCLR Studio: could not record the end of run ${row.id}:`, error));
    this.#active.set(row.id, active);
    return this.#summary(row.id);
  }

  pauseRun(runId: number): RunSummary {
    const active = this.#requireActive(runId, 'pause');
    const row = this.#o.store.run(runId)!;
    if (row.status === 'paused') return this.#summary(runId);
    this.#o.host.pause(active.jobId);
    if (row.status === 'running') active.relay.paused();
    this.#setStatus(row, 'paused', null);
    return this.#summary(runId);
  }

  resumeRun(runId: number): RunSummary {
    const active = this.#requireActive(runId, 'resume');
    const row = this.#o.store.run(runId)!;
    if (row.status !== 'paused') return this.#summary(runId);
    this.#o.host.resume(active.jobId);
    const started = this.#o.host.currentJobId === active.jobId;
    if (started) active.relay.running();
    this.#setStatus(row, started ? 'running' : 'queued', null);
    return this.#summary(runId);
  }

  /** A queued run is dropped from the queue; a running or paused one stops at the next step and saves a checkpoint. */
  async cancelRun(runId: number): Promise<RunSummary> {
    const active = this.#requireActive(runId, 'cancel');
    active.cancelRequested = true;
    this.#o.host.cancel(active.jobId);
    await active.done;
    return this.#summary(runId);
  }

  getRunMetrics(runId: number, afterStep: number): RunMetrics {
    this.#requireRun(runId);
    return { runId, steps: this.#o.metrics.steps(runId, afterStep), epochs: this.#o.metrics.epochs(runId) };
  }

  /** True while any run is queued, running or paused (the desktop shell asks before quitting). */
  get busy(): boolean {
    return this.#active.size > 0;
  }

  /**
   * On quit: the running run is asked to stop at its next step and save a checkpoint
   * (waiting up to closeGraceMs), then every unfinished run is marked 'interrupted' so the
   * next start offers Resume.
   */
  async close(): Promise<void> {
    this.#closing = true;
    const all = [...this.#active.values()];
    for (const active of all) this.#o.host.cancel(active.jobId);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.#o.closeGraceMs ?? 15_000).unref());
    await Promise.race([Promise.all(all.map((a) => a.done)), grace]);
  }

  async #finished(active: ActiveRun, result: TrainJobResult): Promise<void> {
    // Cancel saves last.ckpt at the current step (not at an epoch end): record it too.
    if (result.lastCheckpoint && result.status === 'cancelled' && result.steps > 0) active.relay.checkpoint(result.lastCheckpoint, result.steps, result.epochs);
    this.#active.delete(active.runId);
    active.relay.stop();
    const row = this.#o.store.run(active.runId);
    if (!row) return; // deleted meanwhile
    if (active.storeError) this.#finish(row, 'failed', active.storeError);
    else if (result.status === 'completed') this.#finish(row, 'done', result.message);
    else if (result.status === 'diverged') {
      const reason = divergedReason(result.message);
      this.#o.store.markDiverged(row.id, reason);
      this.#emitStatus(row.id, row.experiment_id, 'failed', reason);
    }
    else if (this.#closing && !active.cancelRequested) this.#finish(row, 'interrupted', `the app was closed; ${result.message}`);
    else this.#finish(row, 'cancelled', result.message);
  }

  async #failed(active: ActiveRun, error: unknown): Promise<void> {
    this.#active.delete(active.runId);
    active.relay.stop();
    const row = this.#o.store.run(active.runId);
    if (!row) return;
    const message = errorMessage(error);
    if (error instanceof JobCancelledError) {
      if (this.#closing && !active.cancelRequested) this.#finish(row, 'interrupted', 'the app was closed before this run started; start it again');
      else this.#finish(row, 'cancelled', 'cancelled before it started');
    }
    else if (this.#closing) this.#finish(row, 'interrupted', `the app was closed while the run was training (${message}); resume continues from its last checkpoint`);
    else this.#finish(row, 'failed', message);
  }

  #finish(row: RunRow, status: RunStatus, reason: string): void {
    this.#o.store.markFinished(row.id, status, reason);
    this.#emitStatus(row.id, row.experiment_id, status, reason);
  }

  #setStatus(row: RunRow, status: RunStatus, reason: string | null, finished = false): void {
    if (finished) this.#o.store.markFinished(row.id, status, reason);
    else this.#o.store.setStatus(row.id, status, reason);
    this.#emitStatus(row.id, row.experiment_id, status, reason);
  }

  #emitStatus(runId: number, experimentId: number, status: RunStatus, reason: string | null): void {
    this.#o.onStatus({ runId, experimentId, status, reason });
  }

  #requireActive(runId: number, what: string): ActiveRun {
    const active = this.#active.get(runId);
    if (active) return active;
    const row = this.#requireRun(runId);
    throw new RunRefusedError(`Run ${runId} cannot ${what}: it is ${row.status}${row.reason ? ` (${row.reason})` : ''}.`);
  }

  /** The run's row, or RunRefusedError naming the id. */
  #requireRun(runId: number): RunRow {
    const row = this.#o.store.run(runId);
    if (!row) throw new RunRefusedError(`There is no run with id ${runId} (its experiment may have been deleted).`);
    return row;
  }

  #summary(runId: number): RunSummary {
    return runSummary(this.#o.store.run(runId)!, this.#o.metrics);
  }
}
