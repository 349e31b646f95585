// Who may talk to the web server: only someone who holds the random token printed in
// its URL, through a Host header naming the loopback address it listens on (this stops
// DNS-rebinding pages from reaching it under another name).
//
// Where the token may travel, and why:
// - API calls carry it in the `x-studio-token` header. A cross-site page cannot set a
//   custom header without a CORS preflight the server never grants, so a cookie alone
//   is not enough here (no CSRF).
// - The page load carries it in the URL (`/?token=…`); the server answers with an
//   HttpOnly, SameSite=Strict cookie so the bundle's scripts and styles, which the
//   browser fetches without the query, are authorised too.
// - Thumbnails (<img src>) and the event socket (browsers cannot set headers on a
//   WebSocket) carry it in the query; the cookie is accepted for them as well.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from './web-routes.ts';

/** 32 random bytes, URL-safe. */
export function createToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so response timing does not leak the token. */
export function tokensMatch(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** One cookie per port: cookies are scoped by host, not port, and two servers may run. */
export function cookieName(port: number): string {
  return `simclr_studio_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function cookieValue(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export type TokenSource = 'header' | 'query' | 'cookie';

/** True when the request carries the token through one of the allowed sources. */
export function hasToken(request: IncomingMessage, url: URL, token: string, port: number, sources: readonly TokenSource[]): boolean {
  return sources.some((source) => {
    if (source === 'header') return tokensMatch(token, firstHeader(request.headers[TOKEN_HEADER]));
    if (source === 'query') return tokensMatch(token, url.searchParams.get('token'));
    return tokensMatch(token, cookieValue(request, cookieName(port)));
  });
}

/** The Host header must name the loopback address and port the server listens on. */
export function isAllowedHost(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
