// Small async helpers for the scanner and the thumbnail jobs.

/**
 * Calls `fn` on every item with at most `limit` calls in flight. Stops starting new
 * calls once `signal` is aborted (calls in flight finish); never throws for the abort,
 * so the caller decides what a partial run means. Errors thrown by `fn` propagate.
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/** Lets other callbacks (I/O, timers, IPC) run before continuing a long loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Wraps a callback so it runs at most once per `intervalMs` (the latest value wins
 * and is delivered on the next call after the interval); `flush` delivers now.
 */
export function throttle<T>(fn: (value: T) => void, intervalMs: number): { call(value: T): void; flush(value: T): void } {
  let last = Number.NEGATIVE_INFINITY;
  return {
    call(value) {
      const now = performance.now();
      if (now - last >= intervalMs) {
        last = now;
        fn(value);
      }
    },
    flush(value) {
      last = performance.now();
      fn(value);
    },
  };
}
