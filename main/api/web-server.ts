// Web mode: the same renderer bundle and the same services as the desktop app, over
// HTTP + WebSocket, on 127.0.0.1 only, for whoever holds the random token printed in the
// URL (see web-auth.ts for where the token travels and why).
//
//   GET  /?token=…                 the app (sets the token cookie for its assets)
//   GET  /assets/…                 the bundle (token cookie or query)
//   POST /api/<method>             one API call, JSON in and out (token header)
//   GET  /thumb/<id>/<relPath>     a thumbnail (token query or cookie)
//   WS   /events?token=…           the studio's events, pushed as JSON
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { StudioApi } from './contract.ts';
import { handleApiCall, sendJson } from './web-api.ts';
import { createToken, hasToken, isAllowedHost, tokenCookie, type TokenSource } from './web-auth.ts';
import { createEventHub, type StudioEventSource } from './web-events.ts';
import { API_PREFIX, EVENTS_PATH, THUMB_PREFIX } from './web-routes.ts';
import { contentSecurityPolicy, missingRendererMessage, rendererIsBuilt, resolveStaticFile, sendFile } from './web-static.ts';
import { handleThumbnail, type ThumbnailLookup } from './web-thumbnails.ts';

/** The server listens here and nowhere else: web mode is for this machine only. */
export const LOOPBACK = '127.0.0.1';

export interface WebServerOptions {
  readonly api: StudioApi;
  readonly events: StudioEventSource;
  /** The thumbnail service's `thumbnailFile`. */
  readonly thumbnailFile: ThumbnailLookup;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 32 random bytes; tests may pass their own. */
  readonly token?: string;
}

export interface WebServer {
  /** The URL to open, token included: http://127.0.0.1:<port>/?token=… */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Headers on every response: no sniffing, no framing, and no Referer carrying the token away. */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

const UNAUTHORISED = 'This SimCLR Studio server needs the token from the URL it printed when it started.';

function deny(response: ServerResponse, status: 401 | 403 | 404 | 405 | 503, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(message);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${options.port}`);
  }
  const token = options.token ?? createToken();
  const hub = createEventHub(options.events);
  // Filled in once listening; requests cannot arrive before that.
  let port = 0;

  const authorised = (request: IncomingMessage, url: URL, sources: readonly TokenSource[]) =>
    hasToken(request, url, token, port, sources);

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(BASE_HEADERS)) response.setHeader(name, value);
    if (!isAllowedHost(request, port)) return deny(response, 403, `requests must be addressed to ${LOOPBACK}:${port}`);
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}:${port}`);
    // The raw path keeps its percent-encoding; URL normalisation would resolve `/../`.
    const rawPath = (request.url ?? '/').split('?')[0]!;

    if (rawPath.startsWith(API_PREFIX)) {
      if (!authorised(request, url, ['header'])) {
        return sendJson(response, 401, { ok: false, error: { name: 'Unauthorized', message: UNAUTHORISED } });
      }
      if (request.method !== 'POST') return deny(response, 405, 'API calls use POST');
      return handleApiCall(request, response, options.api, rawPath.slice(API_PREFIX.length));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return deny(response, 405, 'only GET is allowed here');
    if (!authorised(request, url, ['query', 'cookie'])) return deny(response, 401, UNAUTHORISED);
    if (rawPath.startsWith(THUMB_PREFIX)) return handleThumbnail(request, response, rawPath, options.thumbnailFile);

    if (!rendererIsBuilt(options.rendererDir)) return deny(response, 503, missingRendererMessage(options.rendererDir));
    const file = resolveStaticFile(options.rendererDir, rawPath);
    if (!file) return deny(response, 404, 'not found');
    const isPage = file.endsWith('.html');
    const headers: Record<string, string> = isPage
      ? {
          'content-security-policy': contentSecurityPolicy(`${LOOPBACK}:${port}`),
          'cache-control': 'no-store',
          'set-cookie': tokenCookie(port, token),
        }
      : { 'cache-control': 'private, max-age=3600' };
    return sendFile(response, file, headers);
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}:${port}`);
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== EVENTS_PATH) return refuse('404 Not Found');
    // Browsers always send Origin on a WebSocket; a page from another site must not connect.
    const origin = request.headers.origin;
    if (!isAllowedHost(request, port) || (origin !== undefined && origin !== `http://${request.headers.host}`)) {
      return refuse('403 Forbidden');
    }
    if (!authorised(request, url, ['query', 'cookie'])) return refuse('401 Unauthorized');
    hub.accept(request, socket, head);
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      // A bug in routing, not a failed API call (those are answered as data).
      console.error('simclr-studio serve: request failed:', error);
      if (!response.headersSent) deny(response, 503, 'internal error');
      else response.destroy();
    });
  });
  server.on('upgrade', upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close() {
      closing ??= (async () => {
        await hub.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Long calls (a scan) would otherwise hold the server open until they finish.
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
