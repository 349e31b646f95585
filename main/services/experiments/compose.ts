// Builds the experiments/training part of the studio: the ONE worker host (shared with
// the explorer's jobs), the stores, the services and their API, with events wired to the
// studio's hub. Recovers runs a previous process left unfinished before anything starts
// (unless another live studio owns this data directory's training).
import path from 'node:path';
import type { ExperimentsApi, ExperimentsEvents, WorkerStatus } from '../../api/contract-experiments.ts';
import { pixelCacheDir } from '../../data-dir.ts';
import type { Db } from '../../db/open.ts';
import type { BackendPreference } from '../../../worker/backend.ts';
import { OwnerLock } from '../training/owner-lock.ts';
import { RunMetricsStore } from '../training/run-metrics-store.ts';
import type { TrainingDatasets } from '../training/run-images.ts';
import { TrainingService } from '../training/training-service.ts';
import { WorkerHost, type WorkerHostEvent } from '../worker-host/worker-host.ts';
import { ExperimentStore } from './experiment-store.ts';
import { createExperimentsApi } from './experiments-api.ts';
import { type DatasetLookup, ExperimentsService, type RunFilesOwner } from './experiments-service.ts';

export interface ExperimentsPartOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly datasets: DatasetLookup & TrainingDatasets;
  /** Backend the worker should use ('auto' = the best that runs). */
  readonly backend: BackendPreference;
  readonly emit: <K extends keyof ExperimentsEvents>(name: K, payload: ExperimentsEvents[K]) => void;
  /** Progress events at most this often (default 250 ms). */
  readonly progressIntervalMs?: number;
  /**
   * The worker's log lines: its backend choice (with why better backends were not taken)
   * and what a job reports (skipped images). Default: the process console, prefixed.
   */
  readonly onWorkerLog?: (line: WorkerLogLine) => void;
  /** Files other features made from runs (embeddings), deleted with their experiment. */
  readonly runFiles?: RunFilesOwner;
}

/** One line the worker logged; jobId null for lines not about a job (the backend choice). */
export interface WorkerLogLine {
  readonly jobId: string | null;
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/**
 * Lines on stderr (the terminal of `serve` or of the Electron app): stdout stays for what
 * commands print as their result (`--json`, the URL of `serve`).
 */
export function logWorkerLineToConsole(line: WorkerLogLine): void {
  const level = line.level === 'warn' ? ' warning' : '';
  process.stderr.write(`SimCLR Studio worker${level}${line.jobId ? ` (${line.jobId})` : ''}: ${line.message}\n`);
}

export interface ExperimentsPart {
  readonly api: ExperimentsApi;
  /** The one worker thread's host; other features queue their jobs on it. */
  readonly host: WorkerHost;
  readonly training: TrainingService;
  readonly experiments: ExperimentsService;
  /** Lets a running run checkpoint, marks unfinished runs interrupted, stops the worker. */
  close(): Promise<void>;
}

export function createExperimentsPart(options: ExperimentsPartOptions): ExperimentsPart {
  const { db, dataDir, datasets, emit } = options;
  const store = new ExperimentStore(db);
  const metrics = new RunMetricsStore(db);
  const onWorkerLog = options.onWorkerLog ?? logWorkerLineToConsole;
  const host = new WorkerHost({
    backend: options.backend,
    onEvent: (event) => emit('workerStatus', workerStatus(event)),
    onLog: (jobId, level, message) => onWorkerLog({ jobId, level, message }),
  });
  const experiments = new ExperimentsService({
    store,
    metrics,
    datasets,
    experimentsDir: path.join(dataDir, 'experiments'),
    ...(options.runFiles ? { runFiles: options.runFiles } : {}),
    onChanged: () => emit('experimentsChanged', {}),
  });
  let claim: () => boolean = () => false;
  const training = new TrainingService({
    claimDataDir: () => claim(),
    store,
    metrics,
    experiments,
    datasets,
    host,
    pixelCacheDir: pixelCacheDir(dataDir),
    onProgress: (progress) => emit('runProgress', progress),
    onStatus: (change) => {
      emit('runStatusChanged', change);
      emit('experimentsChanged', {});
    },
    ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
  });
  // Another live studio on this data directory may be training: its runs are not ours to
  // recover, and we do not train beside it. If it goes away, the next startRun takes over.
  const lock = new OwnerLock(dataDir);
  let owner = lock.acquire();
  if (owner) training.recoverInterruptedRuns();
  claim = () => {
    if (!owner && lock.acquire()) {
      owner = true;
      training.recoverInterruptedRuns();
    }
    return owner;
  };
  const api = createExperimentsApi({ experiments, training, host, datasets, pixelCacheDir: pixelCacheDir(dataDir) });
  return {
    api,
    host,
    training,
    experiments,
    async close() {
      await training.close();
      await host.close();
      lock.release();
    },
  };
}

function workerStatus(event: WorkerHostEvent): WorkerStatus {
  switch (event.type) {
    case 'starting':
      return event.restart
        ? { state: 'restarted', backend: null, detail: null, message: `The training worker stopped${event.reason ? ` (${event.reason})` : ''}; a new one was started.` }
        : { state: 'starting', backend: null, detail: null, message: null };
    case 'ready':
      return { state: 'ready', backend: event.backend, detail: event.detail, message: event.reasons.length ? `Not used: ${event.reasons.join('; ')}` : null };
    case 'died':
      return { state: 'failed', backend: null, detail: null, message: event.reason };
    case 'fatal':
      return { state: 'failed', backend: null, detail: null, message: `No training backend could start: ${event.reason}` };
  }
}
