// The object the renderer talks to: `window.studio` in Electron (built by the preload
// from the contract) and the web client in a browser (renderer/lib/web-client.ts). Both
// satisfy `StudioBridge`, so the renderer never knows which transport it runs on.
//
// Shape (everything derived from main/api/contract.ts, nothing listed by hand):
// - every API method of `StudioApi`, taking one input object and returning a Promise;
//   failures reject with an Error whose `name` and `message` came from main;
// - one `on<EventName>` per event, e.g. `onScanProgress(cb)`, returning an unsubscribe
//   function;
// - three transport-specific helpers (see `BridgeHelpers`).
import type { EventName, StudioApi, StudioEvents } from './contract.ts';

/** `scanProgress` → `onScanProgress`. */
export type SubscriptionName<E extends EventName> = `on${Capitalize<E>}`;

export type Unsubscribe = () => void;

export type EventSubscriptions = {
  [E in EventName as SubscriptionName<E>]: (callback: (payload: StudioEvents[E]) => void) => Unsubscribe;
};

export interface BridgeHelpers {
  /**
   * The absolute path of a file or folder dropped on the window. Electron: webUtils
   * .getPathForFile. A browser never reveals it, so the web client returns '' and the
   * renderer asks for a typed path instead.
   */
  pathForFile(file: File): string;
  /** Opens the native folder dialog; null when cancelled or (web mode) unavailable. */
  pickFolder(): Promise<string | null>;
  /**
   * A URL an <img> can load the thumbnail of `relPath` (relative to the dataset root,
   * '/' separators) from. Electron: the custom thumbnail protocol; web mode:
   * /thumb/<datasetId>/<relPath>?token=…
   */
  thumbnailUrl(datasetId: number, relPath: string): string;
}

export type StudioBridge = StudioApi & EventSubscriptions & BridgeHelpers;

/** The subscription method's name for an event, shared by the preload and the web client. */
export function subscriptionName<E extends EventName>(event: E): SubscriptionName<E> {
  return `on${event[0]!.toUpperCase()}${event.slice(1)}` as SubscriptionName<E>;
}

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload). */
    studio?: StudioBridge;
  }
}
