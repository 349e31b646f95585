// The two custom schemes of the desktop app. The renderer is served from
// studio-app://app/ rather than file:// (Electron security checklist: prefer a custom
// protocol to file://): the page gets a real origin, every response carries our CSP
// header, and the sender check compares against one fixed origin.
// No 'electron' import here: this file is unit-tested in plain Node.

export const APP_SCHEME = 'studio-app';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export const THUMB_SCHEME = 'studio-thumb';

/**
 * Content Security Policy of the app's page: code and styles only from the app itself,
 * images also from the thumbnail scheme (and data:/blob: for canvases), no network.
 * 'unsafe-inline' for styles only, because Svelte writes `style` attributes (the
 * virtualised grid positions its rows that way); scripts stay strictly 'self'.
 */
export function appContentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' ${THUMB_SCHEME}: data: blob:`,
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Whether `url` is a page of the app itself (scheme and host match; path free). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.hostname === APP_HOST && parsed.port === '' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** The part of an IPC event the sender check reads (Electron's IpcMainInvokeEvent has it). */
export interface IpcSenderInfo {
  /** null when the frame was destroyed or navigated before the message arrived. */
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null;
}

/**
 * Every IPC handler calls this: only the app's own top-level page may call main.
 * A frame of another origin (an iframe, a page navigated to elsewhere despite the
 * navigation guard) is refused.
 */
export function isTrustedSender(event: IpcSenderInfo): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent) return false;
  return isAppUrl(frame.url);
}
