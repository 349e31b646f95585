// Wires the studio to the window over Electron IPC: one trusted handler per API method
// and for the folder dialog (ipc-handlers.ts, tested in Node), and the studio's events
// forwarded to the window.
import { ipcMain, type BrowserWindow } from 'electron';
import { eventNames, type StudioApi } from '../api/contract.ts';
import type { StudioEventSource } from '../api/web-events.ts';
import { PICK_FOLDER_CHANNEL } from './channels.ts';
import { pickFolder } from './dialogs.ts';
import { forwardEvents, handleTrusted, registerApiHandlers } from './ipc-handlers.ts';

/** Returns a function that removes every handler and stops the forwarding. */
export function registerIpc(api: StudioApi, events: StudioEventSource, window: BrowserWindow): () => void {
  const removeApi = registerApiHandlers(ipcMain, api);
  const removeDialog = handleTrusted(ipcMain, PICK_FOLDER_CHANNEL, async () => ({ ok: true, value: await pickFolder(window) }));
  const stopEvents = forwardEvents(events, eventNames, (channel, payload) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    stopEvents();
    removeDialog();
    removeApi();
  };
}
