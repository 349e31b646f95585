// The image work of the library (inspecting files, rendering thumbnails), run in one
// worker thread by default so the main event loop stays free for the UI and IPC; or
// in-process (tests, or when a worker cannot start, e.g. a bundle without the file).
import { Worker } from 'node:worker_threads';
import { renderThumbnail, type ThumbnailJob } from '../thumbnails/render-thumbnail.ts';
import { inspectFile, type Inspection } from './inspect-file.ts';

export interface ListedStat {
  size: number;
  mtimeMs: number;
}

type TaskBody = { op: 'inspect'; absPath: string; rel: string; maxPixels: number; listed: ListedStat } | { op: 'thumbnail'; job: ThumbnailJob };

export type ImageTaskRequest = TaskBody & { id: number };

export type ImageTaskReply = { id: number; result: Inspection | null } | { id: number; error: string };

export interface ImageTasks {
  /** See inspectFile: never rejects for a bad file, only if the worker itself fails. */
  inspect(absPath: string, rel: string, maxPixels: number, listed: ListedStat): Promise<Inspection>;
  /** Rejects with sharp's message if the image cannot be rendered. */
  thumbnail(job: ThumbnailJob): Promise<void>;
  close(): Promise<void>;
}

export function createInProcessImageTasks(): ImageTasks {
  return {
    inspect: (absPath, rel, maxPixels, listed) => inspectFile(absPath, rel, { maxPixels }, listed),
    thumbnail: (job) => renderThumbnail(job),
    close: async () => undefined,
  };
}

const WORKER_URL = new URL('./image-worker.ts', import.meta.url);

type Pending = { resolve: (value: Inspection | null) => void; reject: (error: Error) => void };

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
    const result = await this.run({ op: 'inspect', absPath, rel, maxPixels, listed: { size: listed.size, mtimeMs: listed.mtimeMs } }, (f) =>
      f.inspect(absPath, rel, maxPixels, listed),
    );
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

  private run(body: TaskBody, inProcess: (f: ImageTasks) => Promise<Inspection | null>): Promise<Inspection | null> {
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
