// Every job kind the worker can run: kind → lazily imported handler. Adding a kind is one
// line here plus its JobTypes line in worker/protocol.ts. Handlers are imported on first
// use so the worker starts fast and a kind's dependencies load only when needed.
import type { BackendName, Tf } from '../backend.ts';
import type { JobKind, JobProgress, JobRequest, JobResult } from '../protocol.ts';

/** What a handler gets besides its request. One per job. */
export interface JobContext<K extends JobKind> {
  readonly jobId: string;
  /** The project's single tf object, already set to the chosen backend. */
  readonly tf: Tf;
  readonly backend: { readonly name: BackendName; readonly detail: string };
  /** Aborted when main cancels the job (checked between steps). */
  readonly signal: AbortSignal;
  /** Resolves at once while running; while paused, when resumed or cancelled. */
  waitWhilePaused(): Promise<void>;
  /** Whether main has asked the job to pause (it holds at its next step boundary). */
  isPaused(): boolean;
  progress(payload: JobProgress<K>): void;
  log(level: 'info' | 'warn', message: string): void;
}

export type JobHandler<K extends JobKind> = (request: JobRequest<K>, context: JobContext<K>) => Promise<JobResult<K>>;

export const jobHandlers: { readonly [K in JobKind]: () => Promise<JobHandler<K>> } = {
  train: () => import('./train-job.ts').then((m) => m.trainJob),
  preview: () => import('./preview-job.ts').then((m) => m.previewJob),
  embed: () => import('./embed-job.ts').then((m) => m.embedJob),
  project: () => import('./project-job.ts').then((m) => m.projectJob),
  'export-encoder': () => import('./explorer-export-encoder-job.ts').then((m) => m.exportEncoderJob),
  'neighbour-graph': () => import('./explorer-graph-job.ts').then((m) => m.graphJob),
};
