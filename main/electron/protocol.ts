// Registers the app's two custom schemes with Electron. The handlers themselves live in
// protocol-handlers.ts (plain Node, tested); this file only wires them in.
import { protocol } from 'electron';
import type { ThumbnailLookup } from '../api/web-thumbnails.ts';
import { APP_SCHEME, THUMB_SCHEME } from './app-url.ts';
import { createAppHandler, createThumbnailHandler } from './protocol-handlers.ts';

/**
 * Must run before the app is ready. `standard` gives the schemes real origins and
 * relative URL resolution; `secure` makes them count as secure contexts (as https).
 */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    // corsEnabled: Vite's <script type="module" crossorigin> loads in CORS mode.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
    { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After ready: serve the renderer and the thumbnails. */
export function handleProtocols(rendererDir: string, thumbnailFile: ThumbnailLookup): void {
  protocol.handle(APP_SCHEME, createAppHandler(rendererDir));
  protocol.handle(THUMB_SCHEME, createThumbnailHandler(thumbnailFile));
}
