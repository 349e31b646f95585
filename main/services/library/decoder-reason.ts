// Gives each failed sharp call its own reason. libvips keeps one error buffer for the
// whole process, so when sharp calls fail at the same time (a scan decodes four batches
// at once) a call can report another file's error ("premature end of JPEG image" for a
// file whose real fault is a missing table), or nothing at all ("Unknown error") when a
// neighbour's clean-up emptied the buffer first. Seen here: about one damaged file in
// four, scanning four at once.
//
// So every sharp call of this thread goes through `withDecoderReason`. A call that fails
// is run again alone (the calls in flight finish first, new ones wait): a decode fails
// the same way every time, and alone its error is its own. While damaged files are rare
// the pauses cost a scan nothing measurable; but each failure drains the calls in flight,
// so a folder where many files fail scans slower (half of them truncated: 2–2.8× as slow;
// library README, "Third pass"). That is why the scanner passes `repeatAlone: false` for a
// file its structure walk already explains (incomplete): the common damage then costs no
// pause (half truncated: 1,105–1,225 images/s). Calls from other threads (the training worker) can still
// mix in; that would need libvips to keep its errors per call.
import { isPixelLimitError } from './open-image.ts';

let inFlight = 0;
/** Resolves when the call running alone is done; null when none is. */
let alone: Promise<void> | null = null;
let onIdle: (() => void) | null = null;

export interface DecoderReasonOptions {
  /**
   * False when the caller already knows why the file fails (the scanner's structure walk
   * found it incomplete) and will not show libvips' message: the failure is passed on at
   * once, without the pause. The call still counts as in flight, so a call running alone
   * never overlaps it. Default true.
   */
  readonly repeatAlone?: boolean;
}

export async function withDecoderReason<T>(call: () => Promise<T>, options: DecoderReasonOptions = {}): Promise<T> {
  while (alone) await alone;
  inFlight++;
  try {
    return await call();
  } catch (error) {
    // sharp's own refusal (not libvips' buffer): its message is right, and the scanner
    // meets it for every small file over a million pixels, so it must not serialise.
    if (isPixelLimitError(error) || options.repeatAlone === false) throw error;
    // Otherwise repeat it alone, below, after leaving the shared calls.
  } finally {
    inFlight--;
    if (inFlight === 0) onIdle?.();
  }
  return runAlone(call);
}

async function runAlone<T>(call: () => Promise<T>): Promise<T> {
  while (alone) await alone;
  let release!: () => void;
  alone = new Promise<void>((resolve) => (release = resolve));
  try {
    if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
    onIdle = null;
    return await call();
  } finally {
    alone = null;
    release();
  }
}
