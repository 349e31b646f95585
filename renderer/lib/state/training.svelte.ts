// Training as the renderer sees it: the backend the worker trains on, and one live
// monitor per run being watched (its curves, progress and log). Runs' rows (status,
// checkpoints) belong to the experiments state; this holds what streams in.
import type { RunLogLine, RunProgress, RunStatus, RunStatusChange, RunSummary, RuntimeInfo, StepMetricRow, WorkerStatus } from '../../../main/api/contract.ts';
import { SeriesBuffer } from '../../components/charts/series-buffer.ts';
import { whenReconnected, type StudioBridge } from '../api.ts';
import { errorMessage } from '../format.ts';
import type { Notices } from './notices.svelte.ts';

/** The step metrics the monitor charts, in column order of its SeriesBuffer. */
export const CHARTED_METRICS = ['loss', 'accuracy', 'lr', 'temperature', 'zStd'] as const satisfies readonly (keyof StepMetricRow)[];
export type ChartedMetric = (typeof CHARTED_METRICS)[number];

export interface LogEntry {
  id: number;
  /** Local time, for display. */
  time: string;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

/** How a status change reads in the log (the reason, if any, follows after a colon). */
const STATUS_LOG: Record<RunStatus, string> = {
  queued: 'Queued, waiting for the worker',
  running: 'Training',
  paused: 'Paused',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** Keep the log readable and bounded; older lines are in the run's row and SQLite. */
const MAX_LOG = 200;
/** Monitors kept when switching between runs (history reloads from SQLite otherwise). */
const MAX_MONITORS = 6;
/** Runs whose worker lines are kept until their monitor opens (the most recent ones). */
const MAX_UNWATCHED_RUNS = 20;

/** A worker line as the log shows it, with the time it arrived. */
export interface WorkerLine {
  time: string;
  line: RunLogLine;
}

function toPoints(rows: readonly StepMetricRow[]) {
  return rows.map((row) => ({ x: row.step, ys: CHARTED_METRICS.map((key) => row[key]) }));
}

/** One run's live view: curves appended as progress arrives, the latest progress, a log. */
export class RunMonitor {
  readonly runId: number;
  /** The latest progress event (null until one arrives while watching). */
  progress = $state<RunProgress | null>(null);
  /** Bumped when the curves changed; the charts redraw from `series` then. */
  version = $state(0);
  /** Whether the stored history has been loaded. */
  loaded = $state(false);
  log = $state<LogEntry[]>([]);
  /** [step, loss, accuracy, lr, temperature, zStd] columns, appended in place (not reactive by design). */
  readonly series = new SeriesBuffer(CHARTED_METRICS.length);

  readonly #studio: StudioBridge;
  /** Progress that arrived while the history was loading, applied after it. */
  #pending: RunProgress[] | null = [];
  #logId = 1;
  #lastMessage: string | null = null;

  constructor(runId: number, studio: StudioBridge) {
    this.runId = runId;
    this.#studio = studio;
  }

  /** Two columns [step, metric] for one chart: the same arrays, so appends show up. */
  column(metric: ChartedMetric): number[][] {
    return [this.series.columns[0]!, this.series.columns[CHARTED_METRICS.indexOf(metric) + 1]!];
  }

  async load(): Promise<void> {
    try {
      const metrics = await this.#studio.getRunMetrics({ runId: this.runId, afterStep: 0 });
      this.series.append(toPoints(metrics.steps));
    } catch (error) {
      this.addLog('error', `Could not load the stored curves: ${errorMessage(error)}`);
    }
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const progress of pending) this.accept(progress);
    this.loaded = true;
    this.version++;
  }

  /** After missed events: appends the stored steps after the last one shown. */
  async catchUp(): Promise<void> {
    if (!this.loaded) return; // the first load is still coming and brings them all
    try {
      const metrics = await this.#studio.getRunMetrics({ runId: this.runId, afterStep: this.series.lastX ?? 0 });
      if (metrics.steps.length === 0) return;
      this.series.append(toPoints(metrics.steps));
      this.version++;
    } catch (error) {
      this.addLog('error', `Could not load the curves missed while disconnected: ${errorMessage(error)}`);
    }
  }

  accept(progress: RunProgress): void {
    if (this.#pending) {
      this.#pending.push(progress);
      return;
    }
    this.progress = progress;
    // A step the series already holds (loaded history overlapping the first events, or a
    // resumed run replaying from its checkpoint) replaces it and what follows it: events
    // carry every step in order, so the series ends up exactly as trained (series-buffer.ts).
    if (progress.steps.length > 0) {
      this.series.append(toPoints(progress.steps));
      this.version++;
    }
    if (progress.message && progress.message !== this.#lastMessage) {
      // "preparing images 3/12" changes each event: log only the first of a phase's messages.
      const phaseChanged = this.#lastMessage === null || progress.message.split(' ')[0] !== this.#lastMessage.split(' ')[0];
      if (phaseChanged) this.addLog('info', `${progress.message.replace(/\s+\d+\/\d+$/, '')}…`);
      this.#lastMessage = progress.message;
    }
    // The worker's own lines (backend, skipped images, checkpoints), in the order it logged them.
    this.addWorkerLines(progress.log.map((line) => ({ time: new Date().toLocaleTimeString(), line })));
    if (progress.epochDone) {
      const e = progress.epochDone;
      this.addLog('info', `Epoch ${e.epoch} done: mean loss ${e.meanLoss.toFixed(4)}, positive-pair accuracy ${(e.meanAccuracy * 100).toFixed(1)} %, ${e.imagesPerSecond.toFixed(1)} images/s.`);
    }
  }

  statusChanged(change: RunStatusChange): void {
    const text = `${STATUS_LOG[change.status]}${change.reason ? `: ${change.reason}` : '.'}`;
    this.addLog(change.status === 'failed' ? 'error' : change.status === 'cancelled' || change.status === 'interrupted' ? 'warning' : 'info', text);
  }

  addLog(kind: LogEntry['kind'], text: string, time = new Date().toLocaleTimeString()): void {
    const entry = { id: this.#logId++, time, kind, text };
    this.log = [...this.log, entry].slice(-MAX_LOG);
  }

  /** The training worker's lines, each at the time it arrived. */
  addWorkerLines(lines: readonly WorkerLine[]): void {
    for (const { time, line } of lines) this.addLog(line.level === 'warn' ? 'warning' : 'info', line.message, time);
  }
}

export class TrainingState {
  runtime = $state<RuntimeInfo | null>(null);
  worker = $state<WorkerStatus | null>(null);
  /** The run whose monitor is open, or null. */
  watchedRunId = $state<number | null>(null);
  watched = $state<RunMonitor | null>(null);

  readonly #studio: StudioBridge;
  readonly #notices: Notices;
  #runtimeAsked = false;
  /** Most recently watched last. */
  readonly #monitors = new Map<number, RunMonitor>();
  /**
   * Worker lines of runs without a monitor, handed over when one opens: the worker logs
   * its backend and the first skipped images at once, before the monitor of a run just
   * started exists. Not stored anywhere else (they live as long as this window).
   */
  readonly #unwatchedLines = new Map<number, WorkerLine[]>();

  constructor(studio: StudioBridge, notices: Notices) {
    this.#studio = studio;
    this.#notices = notices;
  }

  /** Subscribes to main's training events; returns the unsubscribe. */
  connect(): () => void {
    const offProgress = this.#studio.onRunProgress((progress) => {
      const monitor = this.#monitors.get(progress.runId);
      if (monitor) monitor.accept(progress);
      else this.#keepUnwatchedLines(progress);
    });
    const offStatus = this.#studio.onRunStatusChanged((change) => this.#monitors.get(change.runId)?.statusChanged(change));
    const offWorker = this.#studio.onWorkerStatus((status) => this.#onWorker(status));
    const offReconnect = whenReconnected(this.#studio, () => void this.watched?.catchUp());
    // The runtime is asked for when a monitor first opens, not here: asking starts the
    // training worker (TensorFlow.js), which an app used only for its library never needs.
    return () => {
      offProgress();
      offStatus();
      offWorker();
      offReconnect();
    };
  }

  async loadRuntime(): Promise<void> {
    try {
      this.runtime = await this.#studio.getRuntimeInfo({});
    } catch (error) {
      this.#notices.error(`Could not ask which backend trains: ${errorMessage(error)}`);
    }
  }

  /** Opens (or reopens) the monitor of `runId`, loading its stored curves once. */
  watch(runId: number | null): RunMonitor | null {
    this.watchedRunId = runId;
    if (runId === null) return (this.watched = null);
    if (!this.#runtimeAsked) {
      this.#runtimeAsked = true;
      void this.loadRuntime();
    }
    let monitor = this.#monitors.get(runId);
    if (monitor) {
      this.#monitors.delete(runId);
    } else {
      monitor = new RunMonitor(runId, this.#studio);
      monitor.addWorkerLines(this.#unwatchedLines.get(runId) ?? []);
      this.#unwatchedLines.delete(runId);
      void monitor.load();
    }
    this.#monitors.set(runId, monitor);
    while (this.#monitors.size > MAX_MONITORS) this.#monitors.delete(this.#monitors.keys().next().value!);
    return (this.watched = monitor);
  }

  #keepUnwatchedLines(progress: RunProgress): void {
    if (progress.log.length === 0) return;
    const time = new Date().toLocaleTimeString();
    const lines = [...(this.#unwatchedLines.get(progress.runId) ?? []), ...progress.log.map((line) => ({ time, line }))].slice(-MAX_LOG);
    this.#unwatchedLines.delete(progress.runId); // re-inserted last: the most recent runs are kept
    this.#unwatchedLines.set(progress.runId, lines);
    while (this.#unwatchedLines.size > MAX_UNWATCHED_RUNS) this.#unwatchedLines.delete(this.#unwatchedLines.keys().next().value!);
  }

  async pause(run: RunSummary): Promise<void> {
    await this.#control(() => this.#studio.pauseRun({ runId: run.id }), 'pause');
  }

  async resume(run: RunSummary): Promise<void> {
    await this.#control(() => this.#studio.resumeRun({ runId: run.id }), 'resume');
  }

  async cancel(run: RunSummary): Promise<void> {
    await this.#control(() => this.#studio.cancelRun({ runId: run.id }), 'cancel');
  }

  async #control(call: () => Promise<RunSummary>, verb: string): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#notices.error(`Could not ${verb} the run: ${errorMessage(error)}`);
    }
  }

  #onWorker(status: WorkerStatus): void {
    this.worker = status;
    if (status.state === 'restarted' || status.state === 'failed') {
      const text = `The training worker ${status.state === 'failed' ? 'failed' : 'was restarted'}${status.message ? `: ${status.message}` : '.'}`;
      this.#notices.error(text);
      this.watched?.addLog('error', text);
    }
    if (status.state === 'ready' || status.state === 'restarted') void this.loadRuntime();
  }
}
