// The text (and the name) of a thrown value, for messages that name the reason and for
// errors sent as data. Neutral on purpose (no imports): main, the worker threads and
// the renderer all use it.

/** An Error's message; anything else that was thrown (a string, a number) as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A thrown value as data that can cross a thread or a transport (the training worker's
 * failures, the API's errors): an Error's name and message; anything else as an 'Error'
 * whose message is its text.
 */
export function errorNameAndMessage(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
