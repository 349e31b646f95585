// Errors of the explorer. Their `name` crosses the transports (dispatch.serializeError),
// so the renderer can tell a refusal from a failure.

/** Bad input or a state the explorer cannot work in; the message names the thing and the reason. */
export class ExplorerError extends Error {
  override name = 'ExplorerError';
}

/** The user (or closing the app) stopped an embedding job. */
export class CancelledError extends Error {
  override name = 'Cancelled';
}
