// The web transport's URL scheme, shared by the server (main/api/web-server.ts) and the
// browser client (renderer/lib/web-client.ts). Browser-safe: no Node imports here.

/** POST /api/<method> with the JSON input; the token in this header. */
export const API_PREFIX = '/api/';
export const TOKEN_HEADER = 'x-studio-token';
/** WebSocket endpoint for events; the token in the `token` query parameter. */
export const EVENTS_PATH = '/events';
/** GET /thumb/<datasetId>/<relPath…>?token=… */
export const THUMB_PREFIX = '/thumb/';

export function apiPath(method: string): string {
  return `${API_PREFIX}${method}`;
}

/** Each path segment is encoded on its own, so the server can decode them one by one. */
export function thumbPath(datasetId: number, relPath: string): string {
  return `${THUMB_PREFIX}${datasetId}/${relPath.split('/').map(encodeURIComponent).join('/')}`;
}
