// The experiments' and training's part of the API contract (issue 4): presets, experiments
// (a named, validated training config on a dataset), runs of an experiment in the one
// worker thread (queued one after another), their live progress and stored metrics, and
// the augmentation preview. Composed into the one contract in contract.ts.
//
// Configs cross the API as the engine's *input* form (worker/simclr/config.ts
// trainConfigSchema); main validates them with that schema and stores the resolved form,
// so what is shown is exactly what runs.
import { z } from 'zod';
import type { TrainConfig, TrainConfigInput } from '../../worker/simclr/config.ts';

export type { TrainConfig, TrainConfigInput } from '../../worker/simclr/config.ts';

const id = z.number().int().positive();
/** The config is validated by the engine's own schema where it enters the services. */
const configInput = z.record(z.string(), z.unknown());
const name = z.string().trim().min(1, 'a name is required').max(200, 'a name has at most 200 characters');
const notes = z.string().max(20_000, 'notes have at most 20,000 characters');

/** Input schemas of the experiments' and training's methods. */
export const experimentsMethodInputs = {
  /** The backend the worker trains on, why better ones were not used, and how to get one. */
  getRuntimeInfo: z.object({}),
  /** Quick look / Balanced / Best quality (GPU), derived from the dataset and the backend. */
  suggestPresets: z.object({ datasetId: id }),
  listExperiments: z.object({ datasetId: id.optional() }),
  getExperiment: z.object({ experimentId: id }),
  createExperiment: z.object({ datasetId: id, name, config: configInput, notes: notes.default('') }),
  /** Name and notes can always change; the config only while the experiment has no runs. */
  updateExperiment: z.object({ experimentId: id, name: name.optional(), notes: notes.optional(), config: configInput.optional() }),
  /** Deletes the experiment, its runs, metrics and checkpoint files; never the images. Refused while a run is active. */
  deleteExperiment: z.object({ experimentId: id }),
  /**
   * Queues a new run of the experiment. resume: instead, continue the experiment's latest
   * run that stopped early (interrupted / cancelled / failed) from its last checkpoint;
   * the same run continues (same id, its metrics after that checkpoint are replaced).
   */
  startRun: z.object({ experimentId: id, resume: z.boolean().default(false) }),
  pauseRun: z.object({ runId: id }),
  resumeRun: z.object({ runId: id }),
  /** Cancels a queued or active run; an active run saves a checkpoint first, so it can be resumed. */
  cancelRun: z.object({ runId: id }),
  /** Stored step metrics after `afterStep` (downsampled for long runs) and every epoch summary. */
  getRunMetrics: z.object({ runId: id, afterStep: z.number().int().min(0).default(0) }),
  /** Pairs of augmented views of real images of the dataset, as PNG data URLs. */
  previewAugmentations: z.object({
    datasetId: id,
    count: z.number().int().min(1).max(16).default(4),
    seed: z.number().int().min(0).default(0),
    config: configInput.optional(),
  }),
} as const;

type Input<M extends keyof typeof experimentsMethodInputs> = z.input<(typeof experimentsMethodInputs)[M]>;

/**
 * A run's life: queued → running ⇄ paused → done | failed | cancelled.
 * 'interrupted': the app stopped (quit or crash) while the run was queued or running;
 * it can be resumed from its last checkpoint.
 */
export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** Statuses in which a run holds (or waits for) the worker. */
export const ACTIVE_RUN_STATUSES = ['queued', 'running', 'paused'] as const satisfies readonly RunStatus[];

export function isActiveRunStatus(status: RunStatus): boolean {
  return (ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/** Statuses of a run that stopped early: it may continue from its last checkpoint (resume). */
export const STOPPED_EARLY_RUN_STATUSES = ['interrupted', 'cancelled', 'failed'] as const satisfies readonly RunStatus[];

export function isStoppedEarlyRunStatus(status: RunStatus): boolean {
  return (STOPPED_EARLY_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

export type BackendKind = 'tensorflow' | 'wasm' | 'cpu';

export interface RuntimeInfo {
  /** null until the worker has started (it starts lazily on the first job or this call). */
  backend: BackendKind | null;
  /** What exactly runs, e.g. "wasm (XNNPACK, SIMD, 1 thread)". */
  detail: string | null;
  /** Why each better backend was not chosen, best first. */
  reasons: string[];
  /** Plain-language advice on getting a faster backend (GPU / native CPU); null when already on the GPU. */
  hint: string | null;
  /** True when the backend is the native TensorFlow one with a GPU. */
  gpu: boolean;
  /** How many times the worker thread had to be replaced since the app started. */
  workerRestarts: number;
}

export type PresetId = 'quick' | 'balanced' | 'best';

export interface Preset {
  id: PresetId;
  /** "Quick look", "Balanced", "Best quality (GPU)". */
  title: string;
  /** One line for the preset's card. */
  summary: string;
  /** Engine config input, accepted as is by createExperiment. */
  config: TrainConfigInput;
  /** Sentences a non-coder understands: why each value was chosen. */
  reasons: string[];
  /** False when the preset would be too slow on this backend (e.g. "Best" without a GPU). */
  suitable: boolean;
  /** Why it is not suitable, or null. */
  warning: string | null;
  /** Rough duration on this machine's backend, in seconds (null when unknown). */
  estimatedSeconds: number | null;
}

export interface PresetSuggestions {
  datasetId: number;
  imageCount: number;
  /** Median width and height of the dataset's images. */
  medianWidth: number;
  medianHeight: number;
  backend: BackendKind | null;
  presets: Preset[];
}

export interface CheckpointSummary {
  /** Absolute path of the checkpoint file. */
  path: string;
  /** Epochs done when it was written, and the global step. */
  epoch: number;
  step: number;
  /** ISO timestamp. */
  createdAt: string;
}

export interface RunSummary {
  id: number;
  experimentId: number;
  status: RunStatus;
  /** Why it failed / was cancelled / interrupted, or the outcome message when done. */
  reason: string | null;
  /** Times this run was resumed (after an interruption, cancel or failure) from its last checkpoint. */
  resumeCount: number;
  /** Whether a checkpoint exists to resume from (shown as "Resume" on an interrupted/cancelled/failed run). */
  resumable: boolean;
  /** Its loss became NaN/Infinity: failed, and never resumable (the same settings would diverge again). */
  diverged: boolean;
  /** Backend it ran on (null until it started). */
  backend: string | null;
  /** Progress: steps done of the whole run. */
  step: number;
  totalSteps: number | null;
  epoch: number;
  epochs: number;
  lastLoss: number | null;
  /** Recent training speed (smoothed over steps), images per second. */
  imagesPerSecond: number | null;
  /** Images skipped (vanished or unreadable) with their reasons, relative paths. */
  skipped: { path: string; reason: string }[];
  /** ISO timestamps. */
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Seconds spent training (pauses excluded). */
  trainingSeconds: number;
  checkpoints: CheckpointSummary[];
}

export interface ExperimentSummary {
  id: number;
  /** null when the folder was removed from the library (the experiment and its runs stay). */
  datasetId: number | null;
  datasetName: string;
  name: string;
  notes: string;
  createdAt: string;
  updatedAt: string;
  /** The latest run's status, or null when it has never run. */
  lastRunStatus: RunStatus | null;
  lastRunId: number | null;
  runCount: number;
  /** Final or latest loss of the latest run. */
  lastLoss: number | null;
}

export interface ExperimentDetail extends ExperimentSummary {
  /** The resolved config (every default written out). */
  config: TrainConfig;
  /** False while a run exists: the config can no longer change (make a new experiment). */
  configEditable: boolean;
  /** Newest first. */
  runs: RunSummary[];
}

export interface StepMetricRow {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  lr: number;
  temperature: number;
  zStd: number;
  imagesPerSecond: number;
}

export interface EpochMetricRow {
  /** 1-based epoch just finished. */
  epoch: number;
  steps: number;
  meanLoss: number;
  meanAccuracy: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface RunMetrics {
  runId: number;
  /** Steps after the requested afterStep, ascending; downsampled beyond the first steps of a long run. */
  steps: StepMetricRow[];
  /** Every epoch summary, ascending. */
  epochs: EpochMetricRow[];
}

export interface AugmentationPreviewPair {
  /** Relative path of the source image inside the dataset. */
  source: string;
  /** PNG data URLs of the original (resized) image and its two augmented views. */
  original: string;
  views: [string, string];
}

export interface AugmentationPreview {
  datasetId: number;
  seed: number;
  imageSize: number;
  pairs: AugmentationPreviewPair[];
}

/** Pushed a few times per second while a run trains. */
export interface RunProgress {
  runId: number;
  experimentId: number;
  /** The latest step's metrics (null before the first step, e.g. while images are prepared). */
  latest: StepMetricRow | null;
  /** Every step since the previous event (≤ a few dozen), for live curves without polling. */
  steps: StepMetricRow[];
  /** Set when an epoch has just finished. */
  epochDone: EpochMetricRow | null;
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  /** Smoothed images per second and estimated seconds left (null until known). */
  imagesPerSecond: number | null;
  etaSeconds: number | null;
  /**
   * What the worker is doing: 'preparing' (message "preparing images 40/120"),
   * 'training', or 'paused' (the pause has taken hold between two steps; no step runs
   * until resumed — pauseRun returns before this, while the step in flight finishes).
   */
  phase: 'preparing' | 'training' | 'paused';
  message: string | null;
  /** The lines the worker logged for this run since the previous event (backend, skipped images, checkpoints…), oldest first. */
  log: RunLogLine[];
}

/** One line the training worker logged about a run. */
export interface RunLogLine {
  level: 'info' | 'warn';
  message: string;
}

export interface RunStatusChange {
  runId: number;
  experimentId: number;
  status: RunStatus;
  reason: string | null;
}

export interface WorkerStatus {
  state: 'starting' | 'ready' | 'restarted' | 'failed';
  backend: BackendKind | null;
  detail: string | null;
  /** Why the worker was restarted / failed, or why better backends were not used. */
  message: string | null;
}

/** What each experiments/training method resolves to. */
export interface ExperimentsApi {
  getRuntimeInfo(input: Input<'getRuntimeInfo'>): Promise<RuntimeInfo>;
  suggestPresets(input: Input<'suggestPresets'>): Promise<PresetSuggestions>;
  listExperiments(input: Input<'listExperiments'>): Promise<ExperimentSummary[]>;
  getExperiment(input: Input<'getExperiment'>): Promise<ExperimentDetail>;
  createExperiment(input: Input<'createExperiment'>): Promise<ExperimentDetail>;
  updateExperiment(input: Input<'updateExperiment'>): Promise<ExperimentDetail>;
  deleteExperiment(input: Input<'deleteExperiment'>): Promise<void>;
  startRun(input: Input<'startRun'>): Promise<RunSummary>;
  pauseRun(input: Input<'pauseRun'>): Promise<RunSummary>;
  resumeRun(input: Input<'resumeRun'>): Promise<RunSummary>;
  cancelRun(input: Input<'cancelRun'>): Promise<RunSummary>;
  getRunMetrics(input: Input<'getRunMetrics'>): Promise<RunMetrics>;
  previewAugmentations(input: Input<'previewAugmentations'>): Promise<AugmentationPreview>;
}

/** Events of experiments and training: name → payload. */
export interface ExperimentsEvents {
  runProgress: RunProgress;
  runStatusChanged: RunStatusChange;
  workerStatus: WorkerStatus;
  /** An experiment was created, renamed, edited or deleted. */
  experimentsChanged: Record<string, never>;
}

export const experimentsEventNames = ['runProgress', 'runStatusChanged', 'workerStatus', 'experimentsChanged'] as const satisfies readonly (keyof ExperimentsEvents)[];
