// Browser-side stand-in for Electron in the desktop-bridge browser test: the REAL
// preload halves of window.studio (main/electron/raw-bridge.ts and main-world-bridge.ts)
// with Electron's ipcRenderer replaced by the web server's HTTP + WebSocket, and the two
// things only Electron can answer (a dropped file's path, the native folder dialog)
// answered from `window.desktopStandIn`, which the test sets. Bundled by the test with
// esbuild and injected before the page's own scripts.
import type { EventName, MethodName } from '../../../main/api/contract.ts';
import { EVENTS_PATH, TOKEN_HEADER, apiPath, thumbPath } from '../../../main/api/web-routes.ts';
import { eventNames, methodNames } from '../../../main/electron/contract-names.ts';
import { eventChannel, methodChannel, PICK_FOLDER_CHANNEL } from '../../../main/electron/channels.ts';
import { installStudioBridge } from '../../../main/electron/main-world-bridge.ts';
import { createRawBridge, type PreloadIpc } from '../../../main/electron/raw-bridge.ts';

export interface DesktopStandIn {
  /** What the "native dialog" answers (null = cancelled). */
  pickFolderAnswer: string | null;
  /** How many times the page opened the "native dialog" (so a test sees a press reach it). */
  pickFolderCalls: number;
  /** Dropped file name → the absolute path Electron's webUtils would give. */
  droppedPaths: Record<string, string>;
}

declare global {
  interface Window {
    desktopStandIn: DesktopStandIn;
  }
}

const token = new URLSearchParams(location.search).get('token') ?? '';
window.desktopStandIn = { pickFolderAnswer: null, pickFolderCalls: 0, droppedPaths: {} };

/** IPC channel → contract method, from the preload's own channel naming. */
const methodOfChannel = new Map<string, MethodName>(methodNames.map((method) => [methodChannel(method), method]));

type Listener = (event: unknown, payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}${EVENTS_PATH}?token=${encodeURIComponent(token)}`);
socket.onmessage = (message) => {
  const { event, payload } = JSON.parse(String(message.data)) as { event: EventName; payload: unknown };
  for (const listener of listeners.get(eventChannel(event)) ?? []) listener({}, payload);
};

const ipc: PreloadIpc = {
  async invoke(channel, input) {
    if (channel === PICK_FOLDER_CHANNEL) {
      window.desktopStandIn.pickFolderCalls++;
      return { ok: true, value: window.desktopStandIn.pickFolderAnswer };
    }
    const method = methodOfChannel.get(channel);
    if (!method) throw new Error(`no API method uses the IPC channel '${channel}'`);
    const response = await fetch(apiPath(method), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input ?? {}),
    });
    return response.json(); // the server answers with the same CallOutcome as IPC
  },
  on(channel, listener) {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
  },
  removeListener(channel, listener) {
    listeners.get(channel)?.delete(listener);
  },
};

const raw = createRawBridge({
  ipc,
  pathForFile: (file) => window.desktopStandIn.droppedPaths[file.name] ?? '',
  methods: methodNames,
  events: eventNames,
});
// The studio-thumb:// scheme exists only in Electron; its URLs mirror the web route.
installStudioBridge({ ...raw, thumbnailUrl: (id, relPath) => `${thumbPath(id, relPath)}?token=${encodeURIComponent(token)}` }, window);
