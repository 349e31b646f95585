// GET /thumb/<datasetId>/<relPath…>: the thumbnail of one catalogued image. The path is
// checked here (a positive id, no `..`, no absolute or Windows-style path, no NUL) and
// again by the thumbnail service, which also refuses symlinks that escape the dataset.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../error-message.ts';
import { THUMB_PREFIX } from './web-routes.ts';
import { contentTypeOf } from './web-static.ts';

/**
 * Makes (or finds) the thumbnail and returns its file (the thumbnail service's
 * `thumbnailFile`); throws a clear error otherwise, whose `code` (if any) says why.
 */
export type ThumbnailLookup = (datasetId: number, relPath: string) => Promise<{ path: string; contentType?: string }>;

/** HTTP status for each failure code of the thumbnail service; anything else is a 404. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'invalid-path': 400,
  'not-found': 404,
  changed: 409,
  unreadable: 422,
};

export function thumbnailErrorStatus(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && STATUS_BY_CODE[code]) || 404;
}

export type ThumbRequest = { ok: true; datasetId: number; relPath: string } | { ok: false; reason: string };

/**
 * Parses the raw (still percent-encoded) path after /thumb/ (built by `thumbPath`). Each segment is decoded on
 * its own, so an encoded `%2F` or `%2e%2e` cannot smuggle in a separator or a `..`.
 */
export function parseThumbPath(rawPath: string): ThumbRequest {
  const [idText, ...encodedSegments] = rawPath.slice(THUMB_PREFIX.length).split('/');
  if (!idText || !/^[1-9]\d{0,15}$/.test(idText)) return { ok: false, reason: `'${idText ?? ''}' is not a dataset id` };
  if (encodedSegments.length === 0) return { ok: false, reason: 'no image path after the dataset id' };
  const segments: string[] = [];
  for (const encoded of encodedSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { ok: false, reason: `'${encoded}' is not a valid URL-encoded path segment` };
    }
    if (segment === '' || segment === '.' || segment === '..') return { ok: false, reason: 'image paths may not contain empty, "." or ".." segments' };
    if (/[/\\\0]/.test(segment)) return { ok: false, reason: 'image path segments may not contain separators or NUL' };
    segments.push(segment);
  }
  if (/^[a-zA-Z]:$/.test(segments[0]!)) return { ok: false, reason: 'image paths must be relative to the dataset folder' };
  return { ok: true, datasetId: Number(idText), relPath: segments.join('/') };
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

export async function handleThumbnail(
  request: IncomingMessage,
  response: ServerResponse,
  rawPath: string,
  thumbnailFile: ThumbnailLookup,
): Promise<void> {
  const parsed = parseThumbPath(rawPath);
  if (!parsed.ok) return sendText(response, 400, `bad thumbnail request: ${parsed.reason}`);
  let file: string;
  let contentType: string | undefined;
  try {
    ({ path: file, contentType } = await thumbnailFile(parsed.datasetId, parsed.relPath));
  } catch (error) {
    // The service's message names the file and the reason (unknown dataset, outside the
    // dataset, not a catalogued image, changed on disk, undecodable).
    const message = errorMessage(error);
    return sendText(response, thumbnailErrorStatus(error), `no thumbnail for '${parsed.relPath}' in dataset ${parsed.datasetId}: ${message}`);
  }
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat?.isFile()) return sendText(response, 404, `thumbnail file for '${parsed.relPath}' is missing`);
  // Thumbnails are re-made when an image changes, so revalidate instead of caching blindly.
  const etag = `"${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs).toString(16)}"`;
  const headers = { etag, 'cache-control': 'private, no-cache' };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-type': contentType ?? contentTypeOf(file), 'content-length': String(stat.size) });
  const stream = fs.createReadStream(file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
