// The renderer's one way to reach main. Everything it may ask is the `StudioBridge`
// (main/api/bridge.ts), built from the API contract (main/api/contract.ts):
//
// - In Electron the preload exposes it as `window.studio`: every contract method as a
//   function of one input object returning a Promise (errors rejected as Error with the
//   `name`/`message` from main), `on<Event>(callback) => unsubscribe` for every event,
//   `pathForFile(file)` (webUtils.getPathForFile), `pickFolder()` (native dialog) and
//   `thumbnailUrl(datasetId, relPath)` (the thumbnail protocol). That is the interface
//   the preload must satisfy; nothing else on `window.studio` is used.
// - In a browser (web mode) the same interface is built over fetch + WebSocket by
//   ./web-client.ts, from the token in the page's URL.
import type { StudioBridge, Unsubscribe } from '../../main/api/bridge.ts';
import { createWebClient, tokenFromLocation, type ReconnectSignal } from './web-client.ts';

export type { StudioBridge };

export type Connection =
  | { ok: true; studio: StudioBridge; transport: 'electron' | 'web' }
  | { ok: false; message: string };

export function connectStudio(win: Window): Connection {
  if (win.studio) return { ok: true, studio: win.studio, transport: 'electron' };
  const token = tokenFromLocation(win.location);
  if (!token) {
    return {
      ok: false,
      message:
        'This page needs the address printed by `simclr-studio serve`, including its ?token=… part. ' +
        'Copy the whole line from the terminal where the server runs.',
    };
  }
  return { ok: true, studio: createWebClient({ origin: win.location.origin, token }), transport: 'web' };
}

/**
 * Runs `callback` whenever the transport reconnected and may have missed events (web
 * mode's event socket came back); state that follows events reloads then. Electron's IPC
 * never drops events, and its bridge has no such signal, so there this does nothing.
 */
export function whenReconnected(studio: StudioBridge, callback: () => void): Unsubscribe {
  const signal = (studio as StudioBridge & Partial<ReconnectSignal>).onReconnect;
  return signal ? signal.call(studio, callback) : () => {};
}
