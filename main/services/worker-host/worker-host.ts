// Main's side of the ONE long-lived worker thread (DESIGN.md §2). tfjs-node fails in a
// second worker thread of a process (tensorflow/tfjs#8388), so there is exactly one
// Worker at a time for the life of the app: created lazily on the first job, fed from a
// FIFO queue (one job at a time; jobs submitted together run one after another), and
// replaced only when it dies. If it dies (exit or uncaught error), the job it was
// running fails with that message, the next job starts a new worker, and the host
// reports that it did.
//
// Messages are typed by worker/protocol.ts; each job kind's request/progress/result by
// its JobTypes entry.
import { Worker } from 'node:worker_threads';
import type { BackendName, BackendPreference } from '../../../worker/backend.ts';
import type { JobKind, JobProgress, JobRequest, JobResult, MainToWorker, WorkerStartData, WorkerToMain } from '../../../worker/protocol.ts';
import { defaultWorkerUrl } from './worker-entry.ts';

/** What the worker said when it started: the backend it chose and why better ones were not. */
export interface WorkerReady {
  readonly backend: BackendName;
  readonly detail: string;
  /** TensorFlow placed its tensors on a GPU (not merely: its CUDA build loaded). */
  readonly gpu: boolean;
  readonly reasons: readonly string[];
}

export type WorkerHostEvent =
  | { readonly type: 'starting'; readonly restart: boolean; readonly reason: string | null }
  | ({ readonly type: 'ready' } & WorkerReady)
  /** The worker thread stopped unexpectedly (the current job, if any, failed with `reason`). */
  | { readonly type: 'died'; readonly reason: string }
  /** The backend could not be initialised; jobs fail with `reason`. */
  | { readonly type: 'fatal'; readonly reason: string };

export interface WorkerHostOptions {
  readonly backend: BackendPreference;
  /** The worker's entry file (default: worker/index.ts, or worker.cjs beside a bundle). */
  readonly workerUrl?: URL;
  readonly onEvent?: (event: WorkerHostEvent) => void;
  readonly onLog?: (jobId: string | null, level: 'info' | 'warn', message: string) => void;
}

export interface RunJobOptions<K extends JobKind> {
  /** Given by the caller to pause/resume/cancel the job later; unique among live jobs. */
  readonly jobId?: string;
  readonly onProgress?: (payload: JobProgress<K>) => void;
  /** The lines the worker logs for this job (also given to the host's onLog). */
  readonly onLog?: (level: 'info' | 'warn', message: string) => void;
  /** Called when the job leaves the queue and is sent to the worker. */
  readonly onStart?: () => void;
  /** Aborting = cancel (see cancel()). */
  readonly signal?: AbortSignal;
  /**
   * A short job (augmentation preview, one-image embed) that must not wait behind a
   * training run: sent at once and run by the worker between two steps. The worker
   * decides what is short (worker/index.ts runsInteractively); anything else it runs in order.
   */
  readonly interactive?: boolean;
}

/** A job removed from the queue before it started. */
export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
}

/** The worker thread stopped while running the job, or could not start. */
export class WorkerFailedError extends Error {
  override name = 'WorkerFailedError';
}

/** A job failed inside the worker: carries the worker's error name and message. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
  readonly remoteName: string;
  constructor(remoteName: string, message: string) {
    super(message);
    this.remoteName = remoteName;
  }
}

type ControlAction = 'pause' | 'resume' | 'cancel';

interface QueuedJob {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly request: unknown;
  readonly onProgress: ((payload: never) => void) | undefined;
  readonly onLog: ((level: 'info' | 'warn', message: string) => void) | undefined;
  readonly onStart: (() => void) | undefined;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Paused before it was sent (queued, or waiting for the worker): a control message follows the job. */
  paused: boolean;
  /** Handed to the worker (an interactive job waits for the worker to be ready first). */
  sent: boolean;
}

interface LiveWorker {
  readonly worker: Worker;
  readonly ready: Promise<WorkerReady>;
  /** Set once the thread has stopped (so it is never used again). */
  dead: boolean;
}

export class WorkerHost {
  readonly #options: WorkerHostOptions;
  readonly #queue: QueuedJob[] = [];
  #current: QueuedJob | undefined;
  /** Interactive jobs sent alongside the current one. */
  readonly #interactive = new Map<string, QueuedJob>();
  #live: LiveWorker | undefined;
  #lastReady: WorkerReady | undefined;
  /** Why the previous worker died, reported when its replacement starts. */
  #diedBecause: string | null = null;
  #restarts = 0;
  #started = 0;
  #nextId = 1;
  #closed = false;
  #pumping = false;

  constructor(options: WorkerHostOptions) {
    this.#options = options;
  }

  /** The backend of the current (or last) worker; undefined before the first one was ready. */
  get ready(): WorkerReady | undefined {
    return this.#lastReady;
  }

  /** How many times a worker had to be replaced after it died. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Jobs waiting (not counting the running one). */
  get queuedJobIds(): string[] {
    return this.#queue.map((j) => j.jobId);
  }

  get currentJobId(): string | undefined {
    return this.#current?.jobId;
  }

  /** Starts the worker if needed and resolves with its backend (rejects if it cannot start). */
  async whenReady(): Promise<WorkerReady> {
    if (this.#closed) throw new WorkerFailedError('the worker host is closed');
    return this.#ensureWorker().ready;
  }

  /** Queues a job; resolves with its result, rejects with its error. */
  run<K extends JobKind>(kind: K, request: JobRequest<K>, options: RunJobOptions<K> = {}): Promise<JobResult<K>> {
    if (this.#closed) return Promise.reject(new WorkerFailedError('the worker host is closed'));
    const jobId = options.jobId ?? `job-${this.#nextId++}`;
    // Ids address pause/resume/cancel and the worker's replies: two live jobs with one id
    // would answer for each other, so a second one is refused whatever its kind.
    if (this.#idInUse(jobId)) {
      return Promise.reject(new Error(`a job with id '${jobId}' is already queued or running; give each live job its own id`));
    }
    return new Promise<JobResult<K>>((resolvePromise, rejectPromise) => {
      // A long-lived signal (one per app session, say) must not collect a listener per
      // job: it is removed when the job settles, however it settles.
      const onAbort = () => this.cancel(jobId);
      const forgetSignal = () => options.signal?.removeEventListener('abort', onAbort);
      const resolve = (result: JobResult<K>) => {
        forgetSignal();
        resolvePromise(result);
      };
      const reject = (error: unknown) => {
        forgetSignal();
        rejectPromise(error);
      };
      const job: QueuedJob = {
        jobId,
        kind,
        request,
        onProgress: options.onProgress as ((payload: never) => void) | undefined,
        onLog: options.onLog,
        onStart: options.onStart,
        resolve: resolve as (result: unknown) => void,
        reject,
        paused: false,
        sent: false,
      };
      if (options.signal) {
        if (options.signal.aborted) return reject(new JobCancelledError(`job ${jobId} was cancelled before it started`));
        options.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (options.interactive) {
        // Registered now, not once the worker is ready, so its id is taken from this moment.
        this.#interactive.set(jobId, job);
        void this.#sendInteractive(job);
      } else {
        this.#queue.push(job);
        void this.#pump();
      }
    });
  }

  /** Pause between steps (or before it starts, if queued). False if the job is unknown. */
  pause(jobId: string): boolean {
    return this.#control(jobId, 'pause');
  }

  resume(jobId: string): boolean {
    return this.#control(jobId, 'resume');
  }

  /**
   * A queued job is removed and rejects with JobCancelledError; a running job is asked to
   * stop between steps and resolves with whatever its handler returns on cancel.
   */
  cancel(jobId: string): boolean {
    return this.#control(jobId, 'cancel');
  }

  /**
   * Stops the worker thread now (a job that does not answer cancel): the current job
   * fails with `reason` and the next job gets a new worker.
   */
  async terminateWorker(reason: string): Promise<void> {
    const live = this.#live;
    if (!live || live.dead) return;
    this.#onDeath(live, reason);
    await live.worker.terminate();
  }

  /** Fails queued jobs, asks the worker to shut down and waits for it to stop. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const queued = this.#queue.splice(0);
    for (const job of queued) job.reject(new JobCancelledError(`job ${job.jobId} was not run: the app is closing`));
    const live = this.#live;
    this.#live = undefined;
    if (!live || live.dead) return;
    live.dead = true;
    for (const job of [this.#current, ...this.#interactive.values()]) {
      job?.reject(new WorkerFailedError(job.sent ? 'the app closed while the job was running' : 'the app closed before the job started'));
    }
    this.#current = undefined;
    this.#interactive.clear();
    live.worker.postMessage({ type: 'shutdown' } satisfies MainToWorker);
    // The worker exits on 'shutdown' between steps; terminate() makes that immediate.
    await live.worker.terminate();
  }

  #idInUse(jobId: string): boolean {
    return this.#current?.jobId === jobId || this.#interactive.has(jobId) || this.#queue.some((j) => j.jobId === jobId);
  }

  #control(jobId: string, action: ControlAction): boolean {
    const current = this.#current?.jobId === jobId ? this.#current : undefined;
    const interactive = this.#interactive.get(jobId);
    if (current?.sent || interactive?.sent) {
      this.#live?.worker.postMessage({ type: 'control', jobId, action } satisfies MainToWorker);
      return true;
    }
    // Not in the worker's hands yet (queued, or waiting for the worker to start): the worker
    // does not know the job, so the control is handled here; a pause follows the job when sent.
    const queuedAt = this.#queue.findIndex((j) => j.jobId === jobId);
    const job = current ?? interactive ?? this.#queue[queuedAt];
    if (!job) return false;
    if (action !== 'cancel') {
      job.paused = action === 'pause';
      return true;
    }
    const reject = () => job.reject(new JobCancelledError(`job ${jobId} was cancelled before it started`));
    if (current) this.#finish(current, reject);
    else if (interactive) {
      this.#interactive.delete(jobId);
      reject();
    } else {
      this.#queue.splice(queuedAt, 1);
      reject();
    }
    return true;
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#current || this.#closed) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#pumping = true;
    this.#current = job;
    try {
      const live = this.#ensureWorker();
      try {
        await live.ready;
      } catch (error) {
        this.#finish(job, () => job.reject(error as Error));
        return;
      }
      if (this.#current !== job || live.dead) return; // cancelled, closed or died meanwhile
      this.#send(live, job);
    } finally {
      this.#pumping = false;
      // The job was cancelled or failed while this pump waited: the #pump its #finish queued
      // found #pumping set and did nothing, so the next job is started from here.
      if (!this.#current && this.#queue.length > 0) queueMicrotask(() => void this.#pump());
    }
  }

  /** Sends an interactive job (already in #interactive) once the worker is ready. */
  async #sendInteractive(job: QueuedJob): Promise<void> {
    const live = this.#ensureWorker();
    let failure: Error | null = null;
    try {
      await live.ready;
    } catch (error) {
      failure = error as Error;
    }
    if (this.#interactive.get(job.jobId) !== job) return; // cancelled, closed or failed meanwhile
    if (!failure && (live.dead || this.#closed)) failure = new WorkerFailedError('the worker stopped before the job could start');
    if (failure) {
      this.#interactive.delete(job.jobId);
      return job.reject(failure);
    }
    this.#send(live, job);
  }

  /** Hands a job to the worker, which is kept alive (ref) until the job settles; a pause asked for meanwhile follows it. */
  #send(live: LiveWorker, job: QueuedJob): void {
    live.worker.ref();
    job.sent = true;
    job.onStart?.();
    live.worker.postMessage({ type: 'job', jobId: job.jobId, kind: job.kind, request: job.request } satisfies MainToWorker);
    if (job.paused) live.worker.postMessage({ type: 'control', jobId: job.jobId, action: 'pause' } satisfies MainToWorker);
  }

  /** The job a worker message is about: the current one or an interactive one. */
  #jobFor(jobId: string): QueuedJob | undefined {
    return this.#current?.jobId === jobId ? this.#current : this.#interactive.get(jobId);
  }

  #settle(job: QueuedJob, settle: () => void): void {
    if (this.#interactive.delete(job.jobId)) {
      this.#unrefIfIdle();
      settle();
    } else this.#finish(job, settle);
  }

  /** Settles the current job and starts the next one. */
  #finish(job: QueuedJob, settle: () => void): void {
    if (this.#current !== job) return;
    this.#current = undefined;
    this.#unrefIfIdle();
    settle();
    queueMicrotask(() => void this.#pump());
  }

  /** No job is in the worker's hands: it may stop keeping the process alive. */
  #unrefIfIdle(): void {
    if (this.#current || [...this.#interactive.values()].some((j) => j.sent)) return;
    this.#live?.worker.unref();
  }

  #ensureWorker(): LiveWorker {
    if (this.#live && !this.#live.dead) return this.#live;
    const restart = this.#started > 0;
    if (restart) this.#restarts++;
    this.#started++;
    this.#emit({ type: 'starting', restart, reason: this.#diedBecause });
    this.#diedBecause = null;
    const workerData: WorkerStartData = { backend: this.#options.backend };
    const worker = new Worker(this.#options.workerUrl ?? defaultWorkerUrl(), { workerData });
    worker.unref();
    let markReady!: (ready: WorkerReady) => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<WorkerReady>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined); // observed by whoever awaits it; never unhandled
    const live: LiveWorker = { worker, ready, dead: false };
    worker.on('message', (message: WorkerToMain) => this.#onMessage(live, message, markReady, failReady));
    worker.on('error', (error) => {
      failReady(new WorkerFailedError(`the training worker failed: ${error.message}`));
      this.#onDeath(live, `the training worker failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      const reason = `the training worker thread stopped (exit code ${code})`;
      failReady(new WorkerFailedError(reason));
      this.#onDeath(live, reason);
    });
    this.#live = live;
    return live;
  }

  #onMessage(live: LiveWorker, message: WorkerToMain, markReady: (r: WorkerReady) => void, failReady: (e: Error) => void): void {
    if (live.dead) return;
    switch (message.type) {
      case 'ready': {
        const info: WorkerReady = { backend: message.backend, detail: message.detail, gpu: message.gpu, reasons: message.reasons };
        this.#lastReady = info;
        markReady(info);
        this.#emit({ type: 'ready', ...info });
        return;
      }
      case 'fatal': {
        const reason = message.error.message;
        failReady(new WorkerFailedError(reason));
        this.#emit({ type: 'fatal', reason });
        live.dead = true;
        if (this.#live === live) this.#live = undefined;
        return;
      }
      case 'log':
        this.#options.onLog?.(message.jobId, message.level, message.message);
        if (message.jobId !== null) this.#jobFor(message.jobId)?.onLog?.(message.level, message.message);
        return;
      case 'progress':
        this.#jobFor(message.jobId)?.onProgress?.(message.payload as never);
        return;
      case 'done': {
        const job = this.#jobFor(message.jobId);
        if (job) this.#settle(job, () => job.resolve(message.result));
        return;
      }
      case 'failed': {
        const job = this.#jobFor(message.jobId);
        if (job) this.#settle(job, () => job.reject(new JobFailedError(message.error.name, message.error.message)));
        return;
      }
    }
  }

  #onDeath(live: LiveWorker, reason: string): void {
    if (live.dead) return;
    live.dead = true;
    if (this.#live === live) this.#live = undefined;
    if (this.#closed) return;
    this.#diedBecause = reason;
    this.#emit({ type: 'died', reason });
    const interactive = [...this.#interactive.values()];
    this.#interactive.clear();
    for (const job of interactive) job.reject(new WorkerFailedError(reason));
    const job = this.#current;
    if (job) this.#finish(job, () => job.reject(new WorkerFailedError(reason)));
  }

  #emit(event: WorkerHostEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      console.error('SimCLR Studio: a worker host listener failed:', error);
    }
  }
}
