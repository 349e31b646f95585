// The text of a thrown value, for messages that name the reason. Neutral on purpose
// (no imports): main, the worker threads and the renderer all use it.

/** An Error's message; anything else that was thrown (a string, a number) as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
