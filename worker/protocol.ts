// Messages between main and the one long-lived worker thread (DESIGN.md §2). Owned here;
// main imports these as types only. The envelope is generic; each job kind declares its
// request, progress and result payloads in worker/jobs/<kind>-job.ts and is listed in
// `JobTypes` below, so main's worker host and the worker's registry stay in step.
//
// Bulk data (pixels, embeddings) travels as typed arrays inside payloads and is sent as
// transferables, never copied element by element into JSON.
import type { SerializedError } from '../main/error-message.ts';
import type { BackendName, BackendPreference } from './backend.ts';
import type { EmbedJobProgress, EmbedJobRequest, EmbedJobResult } from './jobs/embed-job.ts';
import type { ExportEncoderJobRequest, ExportEncoderJobResult } from './jobs/explorer-export-encoder-job.ts';
import type { GraphJobProgress, GraphJobRequest, GraphJobResult } from './jobs/explorer-graph-job.ts';
import type { PreviewJobRequest, PreviewJobResult } from './jobs/preview-job.ts';
import type { ProjectJobProgress, ProjectJobRequest, ProjectJobResult } from './jobs/project-job.ts';
import type { TrainJobProgress, TrainJobRequest, TrainJobResult } from './jobs/train-job.ts';

/** A job kind's payload types. */
export interface JobSpec<Request, Progress, Result> {
  request: Request;
  progress: Progress;
  result: Result;
}

/**
 * Every job kind the worker runs: kind → JobSpec. Each feature adds one line here
 * (importing its types from worker/jobs/<kind>-job.ts) and its handler in
 * worker/jobs/registry.ts.
 */
export interface JobTypes {
  train: JobSpec<TrainJobRequest, TrainJobProgress, TrainJobResult>;
  preview: JobSpec<PreviewJobRequest, never, PreviewJobResult>;
  embed: JobSpec<EmbedJobRequest, EmbedJobProgress, EmbedJobResult>;
  project: JobSpec<ProjectJobRequest, ProjectJobProgress, ProjectJobResult>;
  'export-encoder': JobSpec<ExportEncoderJobRequest, never, ExportEncoderJobResult>;
  'neighbour-graph': JobSpec<GraphJobRequest, GraphJobProgress, GraphJobResult>;
}

export type JobKind = keyof JobTypes & string;
type Spec<K extends JobKind> = JobTypes[K] extends JobSpec<infer Q, infer P, infer R> ? JobSpec<Q, P, R> : never;
export type JobRequest<K extends JobKind> = Spec<K>['request'];
export type JobProgress<K extends JobKind> = Spec<K>['progress'];
export type JobResult<K extends JobKind> = Spec<K>['result'];

/** Data the worker is started with (worker_threads workerData). */
export interface WorkerStartData {
  backend: BackendPreference;
}

export type MainToWorker =
  | { type: 'job'; jobId: string; kind: JobKind; request: unknown }
  | { type: 'control'; jobId: string; action: 'pause' | 'resume' | 'cancel' }
  | { type: 'shutdown' };

export type WorkerToMain =
  /** Sent once after the backend is chosen; `reasons` says why better ones were not; `gpu`: TensorFlow really runs on a GPU. */
  | { type: 'ready'; backend: BackendName; detail: string; gpu: boolean; reasons: readonly string[] }
  /** The backend could not be initialised at all; the worker exits after this. */
  | { type: 'fatal'; error: SerializedError }
  | { type: 'progress'; jobId: string; payload: unknown }
  | { type: 'log'; jobId: string | null; level: 'info' | 'warn'; message: string }
  | { type: 'done'; jobId: string; result: unknown }
  | { type: 'failed'; jobId: string; error: SerializedError };
