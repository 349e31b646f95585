// The preload's half of window.studio, built in the preload's isolated world from the
// contract's method and event lists (never a raw `send`: one function per method, each
// bound to that method's own channel). It returns call OUTCOMES rather than throwing,
// because contextBridge rebuilds a thrown Error with its message only — the `name`
// (e.g. 'InvalidInput') would be lost (electron/electron#25596). The main-world half
// (main-world-bridge.ts) turns outcomes back into Errors with their names.
// No 'electron' import here: preload.ts passes ipcRenderer and webUtils in, and the
// tests pass an in-memory IPC pair.
import type { EventName, MethodName } from '../api/contract.ts';
import type { CallOutcome } from '../api/dispatch.ts';
import { eventChannel, methodChannel, PICK_FOLDER_CHANNEL } from './channels.ts';
import { thumbnailUrl } from './thumb-url.ts';

/** The part of Electron's ipcRenderer the preload uses. */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface RawBridge {
  readonly methods: Readonly<Record<MethodName, (input?: unknown) => Promise<CallOutcome>>>;
  readonly events: Readonly<Record<EventName, (callback: (payload: unknown) => void) => () => void>>;
  pathForFile(file: File): string;
  pickFolder(): Promise<CallOutcome>;
  thumbnailUrl(datasetId: number, relPath: string): string;
}

export interface RawBridgeDeps {
  readonly ipc: PreloadIpc;
  /** webUtils.getPathForFile in Electron. */
  readonly pathForFile: (file: File) => string;
  readonly methods: readonly MethodName[];
  readonly events: readonly EventName[];
}

export function createRawBridge(deps: RawBridgeDeps): RawBridge {
  const { ipc } = deps;
  const invoke = (channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<CallOutcome>;
  const methods = Object.fromEntries(
    deps.methods.map((method) => [method, (input?: unknown) => invoke(methodChannel(method), input ?? {})]),
  ) as RawBridge['methods'];
  const events = Object.fromEntries(
    deps.events.map((event) => [
      event,
      (callback: (payload: unknown) => void) => {
        // The IPC event object (it holds the sender) never reaches the page: only the payload.
        const listener = (_event: unknown, payload: unknown) => callback(payload);
        ipc.on(eventChannel(event), listener);
        return () => void ipc.removeListener(eventChannel(event), listener);
      },
    ]),
  ) as RawBridge['events'];
  return {
    methods,
    events,
    pathForFile: (file) => deps.pathForFile(file),
    pickFolder: () => invoke(PICK_FOLDER_CHANNEL),
    thumbnailUrl: (datasetId, relPath) => thumbnailUrl(datasetId, relPath),
  };
}
