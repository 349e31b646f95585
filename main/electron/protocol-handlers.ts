// Request handlers of the two custom schemes, as plain functions from a request URL to
// a fetch Response (Node 24 and Electron's protocol.handle share the WHATWG Response),
// so they run and are tested in plain Node; protocol.ts registers them with Electron.
import fs from 'node:fs/promises';
import { errorMessage } from '../error-message.ts';
import { contentTypeOf, resolveStaticFile } from '../api/web-static.ts';
import { thumbnailErrorStatus, type ThumbnailLookup } from '../api/web-thumbnails.ts';
import { APP_HOST, APP_SCHEME, appContentSecurityPolicy } from './app-url.ts';
import { parseThumbnailUrl } from './thumb-request.ts';

export type ProtocolHandler = (request: { readonly url: string }) => Promise<Response>;

const BASE_HEADERS = { 'x-content-type-options': 'nosniff' } as const;

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
}

async function readRegularFile(file: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return null;
  const data = await fs.readFile(file);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>;
}

/**
 * studio-app://app/<path>: files of the built renderer only (`rendererDir`, no `..`,
 * no encoded separators — the web transport's resolver), every page with the app's CSP.
 */
export function createAppHandler(rendererDir: string): ProtocolHandler {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST) return text(404, 'not found');
    const file = resolveStaticFile(rendererDir, url.pathname);
    const data = file ? await readRegularFile(file) : null;
    if (!file || !data) return text(404, 'not found');
    const headers: Record<string, string> = { ...BASE_HEADERS, 'content-type': contentTypeOf(file) };
    if (file.endsWith('.html')) {
      headers['content-security-policy'] = appContentSecurityPolicy();
      headers['cache-control'] = 'no-store';
    }
    return new Response(data, { status: 200, headers });
  };
}

/**
 * studio-thumb://thumb/<datasetId>/<relPath>: the thumbnail the thumbnail service makes
 * (or finds) for a catalogued image; 400 for a malformed or unsafe path, and the web
 * transport's status for each refusal of the service (unknown dataset or image, outside
 * the dataset, changed on disk, undecodable), with the service's message.
 */
export function createThumbnailHandler(thumbnailFile: ThumbnailLookup): ProtocolHandler {
  return async (request) => {
    const parsed = parseThumbnailUrl(request.url);
    if (!parsed.ok) return text(400, `bad thumbnail request: ${parsed.reason}`);
    let thumbnail: { path: string; contentType?: string };
    try {
      thumbnail = await thumbnailFile(parsed.datasetId, parsed.relPath);
    } catch (error) {
      const message = errorMessage(error);
      return text(thumbnailErrorStatus(error), `no thumbnail for '${parsed.relPath}' in dataset ${parsed.datasetId}: ${message}`);
    }
    const data = await readRegularFile(thumbnail.path);
    if (!data) return text(404, `thumbnail file for '${parsed.relPath}' is missing`);
    const contentType = thumbnail.contentType ?? contentTypeOf(thumbnail.path);
    // Thumbnails are re-made when an image changes: let the page revalidate.
    return new Response(data, { status: 200, headers: { ...BASE_HEADERS, 'content-type': contentType, 'cache-control': 'no-cache' } });
  };
}
