// The image work of the library (inspecting files, rendering thumbnails), run in one
// worker thread by default so the main event loop stays free for the UI and IPC; or
// in-process (tests, or when a worker cannot start, e.g. a bundle without the file).
import { Worker } from 'node:worker_threads';
import { renderThumbnail, type ThumbnailJob } from '../thumbnails/render-thumbnail.ts';
import { inspectFile, type Inspection } from './inspect-file.ts';

/** Inspects `files` concurrently (their I/O and decoding overlap on the thread pool). */
export function inspectFiles(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]> {
  return Promise.all(files.map((f) => inspectFile(f.absPath, f.rel, { maxPixels }, f.listed)));
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
}

type TaskBody = { op: 'inspect'; files: InspectRequest[]; maxPixels: number } | { op: 'thumbnail'; job: ThumbnailJob };

export type ImageTaskRequest = TaskBody & { id: number };

/** `result`: one Inspection per requested file, in order (inspect), or null (thumbnail). */
export type ImageTaskReply = { id: number; result: Inspection[] | null } | { id: number; error: string };

export interface ImageTasks {
  /** See inspectFile: never rejects for a bad file, only if the worker itself fails. */
  inspect(absPath: string, rel: string, maxPixels: number, listed: ListedStat): Promise<Inspection>;
  /**
   * Inspects several files at once, one result per file in order (the scanner's path).
   * One message per batch, not per file: a postMessage costs about as much as hashing a
   * small image. Never rejects for a bad file, only if the worker itself fails.
   */
  inspectMany(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]>;
  /** Rejects with sharp's message if the image cannot be rendered. */
  thumbnail(job: ThumbnailJob): Promise<void>;
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

type Pending = { resolve: (value: Inspection[] | null) => void; reject: (error: Error) => void };

/**
 * One worker thread, started on first use. It keeps the process alive only while tasks
 * are pending. If it dies, pending tasks fail with its error and the next task starts a
 * new one; if it cannot be started at all, tasks run in-process from then on.
 */
export class WorkerImageTasks implements ImageTasks {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private fallback: ImageTasks | undefined;
  private closed = false;

  async inspect(absPath: string, rel: string, maxPixels: number, listed: ListedStat): Promise<Inspection> {
    const [result] = await this.inspectMany([{ absPath, rel, listed }], maxPixels);
    return result!;
  }

  async inspectMany(files: readonly InspectRequest[], maxPixels: number): Promise<Inspection[]> {
    // Only the fields the worker needs cross the thread (a ListedFile carries more).
    const plain = files.map((f) => ({ absPath: f.absPath, rel: f.rel, listed: { size: f.listed.size, mtimeMs: f.listed.mtimeMs } }));
    const result = await this.run({ op: 'inspect', files: plain, maxPixels }, (f) => f.inspectMany(plain, maxPixels));
    return result!;
  }

  async thumbnail(job: ThumbnailJob): Promise<void> {
    await this.run({ op: 'thumbnail', job }, (f) => f.thumbnail(job).then(() => null));
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new Error('the library is closing'));
    if (worker) await worker.terminate();
  }

  private run(body: TaskBody, inProcess: (f: ImageTasks) => Promise<Inspection[] | null>): Promise<Inspection[] | null> {
    if (this.closed) return Promise.reject(new Error('the library is closed'));
    const worker = this.fallback ? undefined : this.ensureWorker();
    if (!worker) return inProcess(this.fallback!);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...body, id } satisfies ImageTaskRequest);
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL);
    } catch {
      this.fallback = createInProcessImageTasks();
      return undefined;
    }
    worker.unref();
    worker.on('message', (reply: ImageTaskReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('result' in reply) waiting.resolve(reply.result);
      else waiting.reject(new Error(reply.error));
    });
    const onDeath = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failPending(error);
    };
    worker.on('error', onDeath);
    worker.on('exit', (code) => onDeath(new Error(`the image worker thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failPending(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(error);
  }
}
