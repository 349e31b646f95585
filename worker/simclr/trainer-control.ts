// Cooperative pause and cancel for a training run. The app's worker (or the CLI on
// Ctrl-C) calls pause/resume/cancel; the trainer checks between steps, never inside
// one, so a step's update is always applied whole.
export interface TrainControl {
  /** Aborted = cancel: the trainer saves a checkpoint at the current step and returns. */
  readonly signal: AbortSignal;
  /** Resolves immediately when running; while paused, when resumed or cancelled. */
  waitWhilePaused(): Promise<void>;
}

export class TrainController implements TrainControl {
  readonly #abort = new AbortController();
  #paused = false;
  #waiters: (() => void)[] = [];

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#release();
  }

  cancel(): void {
    this.#abort.abort();
    this.#release();
  }

  waitWhilePaused(): Promise<void> {
    if (!this.#paused || this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
