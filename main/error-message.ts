// The text (and the name) of a thrown value, for messages that name the reason and for
// errors sent as data. Neutral on purpose (no imports): main, the worker threads and
// the renderer all use it.

/** An Error's message; anything else that was thrown (a string, a number) as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An error as data: how errors cross a transport (the API's answers, main/api/contract.ts)
 * and a thread (the worker's failures, worker/protocol.ts); rethrown on the other side.
 */
export interface SerializedError {
  name: string;
  message: string;
}

/**
 * A thrown value as a SerializedError: an Error's name and message; anything else as an
 * 'Error' whose message is its text.
 */
export function errorNameAndMessage(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
