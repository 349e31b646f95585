// The image work of the library (inspecting files, rendering thumbnails), run in one
// worker thread by default so the main event loop stays free for the UI and IPC; or
// in-process (tests, or when `new Worker` refuses to start the thread at all, below).
import { errorMessage } from '../../error-message.ts';
import { renderThumbnail, type ThumbnailJob, type ThumbnailOutcome } from '../thumbnails/render-thumbnail.ts';
import { WorkerClient } from '../worker-client.ts';
import { inspectFile, type Inspection } from './inspect-file.ts';

/** Inspects `files` concurrently (their I/O and decoding overlap on the thread pool). */
export function inspectFiles(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]> {
  return Promise.all(files.map((f) => inspectFile(f.absPath, f.rel, { maxPixels, deferDecode: f.deferDecode ?? false }, f.listed)));
}

export interface ListedStat {
  size: number;
  mtimeMs: number;
}

/** One file to inspect: where to read it, its name in messages, what the listing saw. */
export interface InspectRequest {
  absPath: string;
  rel: string;
  listed: ListedStat;
  /** See InspectOptions.deferDecode (only when a thumbnail pass follows). */
  deferDecode?: boolean;
}

type TaskBody = { op: 'inspect'; files: InspectRequest[]; maxPixels: number } | { op: 'thumbnail'; job: ThumbnailJob };

export type ImageTaskRequest = TaskBody & { id: number };

/** `result`: one Inspection per requested file, in order (inspect), or the thumbnail's outcome. */
export type ImageTaskReply = { id: number; result: Inspection[] | ThumbnailOutcome } | { id: number; error: string };

export interface ImageTasks {
  /** See inspectFile: never rejects for a bad file, only if the worker itself fails. */
  inspect(absPath: string, rel: string, maxPixels: number, listed: ListedStat): Promise<Inspection>;
  /**
   * Inspects several files at once, one result per file in order (the scanner's path).
   * One message per batch, not per file: a postMessage costs about as much as hashing a
   * small image. Never rejects for a bad file, only if the worker itself fails.
   */
  inspectMany(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]>;
  /** See renderThumbnail: an image that does not decode resolves with its damage. */
  thumbnail(job: ThumbnailJob): Promise<ThumbnailOutcome>;
  close(): Promise<void>;
}

export function createInProcessImageTasks(): ImageTasks {
  return {
    inspect: (absPath, rel, maxPixels, listed) => inspectFile(absPath, rel, { maxPixels }, listed),
    inspectMany: (files, maxPixels) => inspectFiles(files, maxPixels),
    thumbnail: (job) => renderThumbnail(job),
    close: async () => undefined,
  };
}

const WORKER_URL = new URL('./image-worker.ts', import.meta.url);

type TaskResult = Inspection[] | ThumbnailOutcome;

export interface WorkerImageTasksOptions {
  /** The thread's module; image-worker.ts (or its bundle) unless a test points elsewhere. */
  url?: URL;
}

/**
 * One worker thread, started on first use. It keeps the process alive only while tasks
 * are pending. If it dies, pending tasks fail with its error and the next task starts a
 * new one: that includes a thread whose module fails to load (missing file, a throw at
 * load), which `new Worker` only reports after it started. If `new Worker` itself throws
 * (the thread cannot be started at all), tasks run in-process from then on, and that is
 * reported once on the console (the app still works, only the main loop does the work).
 */
export class WorkerImageTasks implements ImageTasks {
  private readonly thread: WorkerClient<TaskBody, ImageTaskReply, TaskResult>;
  private fallback: ImageTasks | undefined;

  constructor(options: WorkerImageTasksOptions = {}) {
    this.thread = new WorkerClient<TaskBody, ImageTaskReply, TaskResult>({
      url: options.url ?? WORKER_URL,
      settle: (reply) => {
        if ('result' in reply) return reply.result;
        throw new Error(reply.error);
      },
      died: (death) => ('error' in death ? death.error : new Error(`the image worker thread stopped (exit code ${death.exitCode})`)),
      closing: () => new Error('the library is closing'),
      closed: () => new Error('the library is closed'),
    });
  }

  async inspect(absPath: string, rel: string, maxPixels: number, listed: ListedStat): Promise<Inspection> {
    const [result] = await this.inspectMany([{ absPath, rel, listed }], maxPixels);
    return result!;
  }

  async inspectMany(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]> {
    // Only the fields the worker needs cross the thread (a ListedFile carries more).
    const plain = files.map((f) => ({ absPath: f.absPath, rel: f.rel, listed: { size: f.listed.size, mtimeMs: f.listed.mtimeMs }, deferDecode: f.deferDecode ?? false }));
    return (await this.run({ op: 'inspect', files: plain, maxPixels }, (f) => f.inspectMany(plain, maxPixels))) as Inspection[];
  }

  async thumbnail(job: ThumbnailJob): Promise<ThumbnailOutcome> {
    return (await this.run({ op: 'thumbnail', job }, (f) => f.thumbnail(job))) as ThumbnailOutcome;
  }

  close(): Promise<void> {
    return this.thread.close();
  }

  private run(body: TaskBody, inProcess: (f: ImageTasks) => Promise<TaskResult>): Promise<TaskResult> {
    // Closed wins over the fallback: thread.call rejects with 'the library is closed'.
    if (this.fallback && !this.thread.closed) return inProcess(this.fallback);
    try {
      return this.thread.call(body, undefined);
    } catch (error) {
      // `new Worker` threw (e.g. an unsupported URL or runtime): in-process from now on.
      // Only the first task gets here; later ones see the fallback above.
      console.error(`SimCLR Studio: the image worker thread could not be started (${errorMessage(error)}); images are inspected and thumbnails made on the main thread instead`);
      this.fallback = createInProcessImageTasks();
      return inProcess(this.fallback);
    }
  }
}
