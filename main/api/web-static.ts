// Serves the built renderer (dist/renderer) to the browser: files only from inside that
// folder, with the right content type, and the page itself with a strict CSP.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The page may load code and styles only from this server, images from it (thumbnails)
 * and data:/blob: URLs, and talk only to this server's HTTP and WebSocket endpoints.
 * No 'unsafe-inline' even for styles: Vite extracts the components' CSS to a file, and
 * the grid's positions are set with Svelte `style:` directives, which go through the
 * CSSOM (element.style), which CSP does not restrict. The browser tests fail on any
 * CSP violation (Chromium logs it as a console error).
 */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Message shown (and printed by `serve`) when the renderer has not been built. */
export function missingRendererMessage(rendererDir: string): string {
  return `the app's web page is not built (${rendererDir} has no index.html): run \`npm run build:renderer\` first`;
}

export function rendererIsBuilt(rendererDir: string): boolean {
  return fs.existsSync(path.join(rendererDir, 'index.html'));
}

/**
 * Maps a URL path to a file inside `rendererDir`, or null when it names nothing there
 * (including any attempt to climb out with `..` or encoded separators).
 */
export function resolveStaticFile(rendererDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

/** Streams `file` with headers; answers 404 when it is not a regular file. */
export async function sendFile(response: ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': contentTypeOf(file), 'content-length': String(stat.size), ...headers });
  const stream = fs.createReadStream(file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
