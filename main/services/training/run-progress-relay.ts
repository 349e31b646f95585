// One active run's progress, from the worker to SQLite and the renderer. The worker sends
// every step; this relay batches them: at most every `intervalMs` (a few times a second)
// it stores the batch in ONE synchronous transaction (steps thinned by keepStep, every
// epoch summary, checkpoints, the run's position) and emits one runProgress event carrying
// the steps since the previous event, the latest values, images/s, the time left and the
// lines the worker logged for the run meanwhile.
import type { EpochMetricRow, RunLogLine, RunProgress, StepMetricRow } from '../../api/contract-experiments.ts';
import type { TrainJobProgress } from '../../../worker/jobs/train-job.ts';
import { epochCheckpointPath } from '../../../worker/simclr/checkpoint.ts';
import type { TrainConfig } from '../../../worker/simclr/config.ts';
import type { ExperimentStore } from '../experiments/experiment-store.ts';
import { keepStep } from './metric-sampling.ts';
import type { RunMetricsStore } from './run-metrics-store.ts';

export interface RelayOptions {
  readonly runId: number;
  readonly experimentId: number;
  readonly config: TrainConfig;
  readonly runDir: string;
  readonly store: ExperimentStore;
  readonly metrics: RunMetricsStore;
  readonly emit: (progress: RunProgress) => void;
  readonly onSkipped: (skipped: { path: string; reason: string }[]) => void;
  /** Storing progress failed (disk full, database locked): the run cannot go on recording. */
  readonly onStoreError: (error: Error) => void;
  /** Step and epoch already done (a resumed run), and the training time so far. */
  readonly startStep: number;
  readonly startEpoch: number;
  readonly trainingSeconds: number;
  readonly intervalMs?: number;
}

/** Weight of the newest step in the smoothed images/s (exponential moving average). */
const SMOOTHING = 0.2;

export class RunProgressRelay {
  readonly #o: RelayOptions;
  readonly #interval: number;
  #steps: StepMetricRow[] = [];
  #epochDone: EpochMetricRow | null = null;
  #checkpoints: { path: string; epoch: number; step: number }[] = [];
  #skipped: { path: string; reason: string }[] = [];
  #log: RunLogLine[] = [];
  #latest: StepMetricRow | null = null;
  #step: number;
  #epoch: number;
  #totalSteps: number;
  #phase: RunProgress['phase'] = 'preparing';
  #message: string | null = null;
  #ips: number | null = null;
  /** Wall-clock training time: accumulated while not paused. */
  #seconds: number;
  #runningSince: number | null = null;
  #skipNextSpeed = true;
  #lastFlush = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RelayOptions) {
    this.#o = options;
    this.#interval = options.intervalMs ?? 250;
    this.#step = options.startStep;
    this.#epoch = options.startEpoch;
    this.#totalSteps = 0;
    this.#seconds = options.trainingSeconds;
  }

  /** Time counts from here (the job reached the worker) until pause/stop. */
  running(): void {
    this.#runningSince ??= performance.now();
    if (this.#phase === 'paused') {
      this.#phase = 'training';
      this.#message = null;
    }
    this.#skipNextSpeed = true; // the first step after a pause includes the wait
  }

  paused(): void {
    this.#stopClock();
    this.flush();
  }

  accept(progress: TrainJobProgress): void {
    switch (progress.type) {
      case 'preparing':
        this.#phase = 'preparing';
        this.#message = `preparing images ${progress.done}/${progress.total}`;
        break;
      case 'skipped':
        this.#skipped.push({ path: progress.path, reason: progress.reason });
        this.#o.onSkipped([...this.#skipped]);
        break;
      case 'started':
        this.#phase = 'training';
        this.#message = null;
        this.#totalSteps = progress.totalSteps;
        this.#step = progress.startStep;
        break;
      case 'held':
        this.#phase = 'paused';
        this.#message = `paused after step ${progress.step}`;
        this.flush();
        return;
      case 'step': {
        const m = progress.metrics;
        this.#phase = 'training';
        this.#message = null;
        const row: StepMetricRow = { step: m.step, epoch: m.epoch, loss: m.loss, accuracy: m.accuracy, lr: m.lr, temperature: m.temperature, zStd: m.zStd, imagesPerSecond: m.imagesPerSecond };
        this.#steps.push(row);
        this.#latest = row;
        this.#step = m.step;
        this.#totalSteps = m.totalSteps;
        if (this.#skipNextSpeed) this.#skipNextSpeed = false;
        else if (m.imagesPerSecond > 0) this.#ips = this.#ips === null ? m.imagesPerSecond : SMOOTHING * m.imagesPerSecond + (1 - SMOOTHING) * this.#ips;
        break;
      }
      case 'epoch': {
        const m = progress.metrics;
        this.#epochDone = { epoch: m.epoch, steps: m.steps, meanLoss: m.meanLoss, meanAccuracy: m.meanAccuracy, imagesPerSecond: m.imagesPerSecond, seconds: m.seconds };
        this.#epoch = m.epoch;
        this.#checkpoints.push({ path: m.checkpoint, epoch: m.epoch, step: progress.step });
        if (m.epoch % this.#o.config.checkpointEvery === 0) this.#checkpoints.push({ path: epochCheckpointPath(this.#o.runDir, m.epoch), epoch: m.epoch, step: progress.step });
        // An epoch end is worth showing at once.
        this.flush();
        return;
      }
    }
    this.#schedule();
  }

  /** A line the worker logged for this run: sent with the next event. */
  log(level: RunLogLine['level'], message: string): void {
    this.#log.push({ level, message });
    this.#schedule();
  }

  /** A checkpoint written outside an epoch end (cancel saves one at the current step). */
  checkpoint(file: string, step: number, epoch: number): void {
    this.#checkpoints.push({ path: file, epoch, step });
  }

  /** Stores and emits what is pending, now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlush = performance.now();
    const steps = this.#steps;
    const epochDone = this.#epochDone;
    const checkpoints = this.#checkpoints;
    this.#steps = [];
    this.#epochDone = null;
    this.#checkpoints = [];
    const trainingSeconds = this.#currentSeconds();
    try {
      this.#store(steps, epochDone, checkpoints, trainingSeconds);
    } catch (error) {
      // Called from timers too: never let a SQLite error escape as an uncaught exception.
      this.#o.onStoreError(error as Error);
      return;
    }
    this.#emit(steps, epochDone);
  }

  #store(steps: StepMetricRow[], epochDone: EpochMetricRow | null, checkpoints: { path: string; epoch: number; step: number }[], trainingSeconds: number): void {
    const { runId, store, metrics } = this.#o;
    store.transaction(() => {
      for (const s of steps) if (keepStep(s.step, this.#totalSteps)) metrics.addStep(runId, s);
      if (epochDone) metrics.addEpoch(runId, epochDone);
      for (const c of checkpoints) metrics.recordCheckpoint(runId, c.path, c.epoch, c.step);
      store.updateProgress(runId, {
        step: this.#step,
        totalSteps: this.#totalSteps || null,
        epoch: this.#epoch,
        lastLoss: this.#latest?.loss ?? null,
        imagesPerSecond: this.#ips,
        trainingSeconds,
      });
    });
  }

  #emit(steps: StepMetricRow[], epochDone: EpochMetricRow | null): void {
    const runId = this.#o.runId;
    const log = this.#log;
    this.#log = [];
    this.#o.emit({
      runId,
      experimentId: this.#o.experimentId,
      latest: this.#latest,
      steps,
      epochDone,
      step: this.#step,
      totalSteps: this.#totalSteps,
      epoch: this.#epoch,
      epochs: this.#o.config.epochs,
      imagesPerSecond: this.#ips,
      etaSeconds: this.#ips && this.#totalSteps ? ((this.#totalSteps - this.#step) * this.#o.config.batchSize) / this.#ips : null,
      phase: this.#phase,
      message: this.#message,
      log,
    });
  }

  /** Final flush; no timer stays behind. */
  stop(): void {
    this.#stopClock();
    this.flush();
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlush + this.#interval - performance.now());
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Adds the time since running() to the total; the clock waits until running() again. */
  #stopClock(): void {
    this.#seconds = this.#currentSeconds();
    this.#runningSince = null;
  }

  #currentSeconds(): number {
    return this.#seconds + (this.#runningSince !== null ? (performance.now() - this.#runningSince) / 1000 : 0);
  }
}
