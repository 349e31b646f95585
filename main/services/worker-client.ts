// A request/reply client for one worker thread, the pattern the library's image thread
// and the explorer's index thread share: the thread starts on the first call, each
// request goes out as `{ ...body, id }` and its reply comes back with the same id (in
// any order). The thread keeps the process alive only while calls are pending. If it
// dies ('error' or 'exit'), it is forgotten, every pending call fails and the next call
// starts a fresh one: the threads keep no state worth saving. close() fails the pending
// and the later calls and stops the thread for good.
//
// The callers keep their own wording and reply shapes: they say how a reply becomes a
// result or an error, and which error a call gets when the thread dies or the client
// closes (options below). Each call carries a `context` (e.g. what it was doing, for the
// message) that those functions receive.
import { Worker } from 'node:worker_threads';

/** Why the thread died: its 'error' event, or its exit (also after terminate()). */
export type WorkerDeath = { readonly error: Error } | { readonly exitCode: number };

/**
 * `Reply`: a message the thread posts back, carrying the id of the request it answers.
 * `Result`: what a call resolves with. `Context`: what the caller attaches to each call
 * (`undefined` if nothing) and gets back in `settle` and `died`.
 */
export interface WorkerClientOptions<Reply extends { readonly id: number }, Result, Context> {
  /**
   * The thread's module. Build it in the caller's file, in the one form scripts/build-electron.ts
   * rewrites to the worker's bundle (see there), not here.
   */
  readonly url: URL;
  /** The call's result from its reply; throws the error the call fails with if the reply says it failed. */
  readonly settle: (reply: Reply, context: Context) => Result;
  /** The error a pending call fails with when the thread dies. */
  readonly died: (death: WorkerDeath, context: Context) => Error;
  /** The error the calls pending at close() fail with (one for all). */
  readonly closing: () => Error;
  /** The error a call made after close() fails with. */
  readonly closed: () => Error;
}

interface Pending<Result, Context> {
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
  readonly context: Context;
}

/**
 * `Body`: a request without its id (the client adds `id`; a body must not have one).
 * For Reply, Result and Context see WorkerClientOptions.
 */
export class WorkerClient<Body extends object, Reply extends { readonly id: number }, Result, Context = undefined> {
  readonly #options: WorkerClientOptions<Reply, Result, Context>;
  #worker: Worker | undefined;
  #nextId = 1;
  /** The calls sent to the current thread and not yet answered, by id. */
  readonly #pending = new Map<number, Pending<Result, Context>>();
  #closed = false;

  constructor(options: WorkerClientOptions<Reply, Result, Context>) {
    this.#options = options;
  }

  /** True once close() has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends `body` to the thread (starting it if there is none) and resolves with what
   * `settle` makes of the reply. If the thread cannot be started, this throws what
   * `new Worker` threw, synchronously, so that a caller can fall back to other means;
   * every other failure is a rejection.
   */
  call(body: Body, context: Context): Promise<Result> {
    if (this.#closed) return Promise.reject(this.#options.closed());
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, context });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ ...body, id });
    });
  }

  /** Stops the current thread as a crash would (pending calls fail through `died`); the next call starts a new one. */
  async terminate(): Promise<void> {
    await this.#worker?.terminate(); // its 'exit' handler forgets it and fails the pending calls
  }

  /** Stops the thread for good: pending calls fail with `closing()`, later ones with `closed()`. */
  async close(): Promise<void> {
    this.#closed = true;
    const error = this.#options.closing();
    this.#failPending(() => error);
    await this.terminate();
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#options.url);
    worker.unref(); // idle, it does not keep the process alive; call() refs it while calls are pending
    worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      let result: Result;
      try {
        result = this.#options.settle(reply, waiting.context);
      } catch (error) {
        waiting.reject(error as Error);
        return;
      }
      waiting.resolve(result);
    });
    const onDeath = (death: WorkerDeath) => {
      // 'error' is followed by 'exit': once is enough, and a later thread's calls are not this one's.
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failPending((context) => this.#options.died(death, context));
    };
    worker.on('error', (error) => onDeath({ error }));
    worker.on('exit', (exitCode) => onDeath({ exitCode }));
    this.#worker = worker;
    return worker;
  }

  #failPending(errorFor: (context: Context) => Error): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const w of waiting) w.reject(errorFor(w.context));
  }
}
