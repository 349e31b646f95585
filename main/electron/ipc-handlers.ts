// Main-process side of the IPC transport, written against the small part of Electron's
// ipcMain it uses so that it runs (and is tested) in plain Node. main/electron/ipc.ts
// passes the real ipcMain in.
//
// One handler per method of the contract (methodInputs), each going through
// main/api/dispatch.ts (zod validation, errors turned into data). Handlers never throw:
// Electron would replace a thrown error's name and message with its own
// "Error invoking remote method …", so outcomes cross as data and the preload rethrows.
import { methodInputs, type EventName, type MethodName, type StudioApi } from '../api/contract.ts';
import { dispatch, serializeError, type CallOutcome } from '../api/dispatch.ts';
import type { StudioEventSource } from '../api/web-events.ts';
import { isTrustedSender, type IpcSenderInfo } from './app-url.ts';
import { eventChannel, methodChannel } from './channels.ts';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderInfo, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export const UNTRUSTED_SENDER: CallOutcome = {
  ok: false,
  error: { name: 'Forbidden', message: 'refused: the call did not come from the app’s own page' },
};

/**
 * Registers `handler` on `channel`, refusing every call whose sender is not the app's
 * top-level page. Returns a function that removes the handler.
 */
export function handleTrusted(ipcMain: IpcMainLike, channel: string, handler: (...args: unknown[]) => Promise<CallOutcome>): () => void {
  ipcMain.handle(channel, async (event, ...args) => {
    if (!isTrustedSender(event)) return UNTRUSTED_SENDER;
    try {
      return await handler(...args);
    } catch (error) {
      return { ok: false, error: serializeError(error) } satisfies CallOutcome;
    }
  });
  return () => ipcMain.removeHandler(channel);
}

/** One trusted handler per API method; returns a function that removes them all. */
export function registerApiHandlers(ipcMain: IpcMainLike, api: StudioApi): () => void {
  const removers = (Object.keys(methodInputs) as MethodName[]).map((method) =>
    handleTrusted(ipcMain, methodChannel(method), (input) => dispatch(api, method, input)),
  );
  return () => removers.forEach((remove) => remove());
}

/**
 * Forwards every contract event from the studio to a window (`send` is the window's
 * webContents.send, which drops messages to a destroyed window). Returns a function
 * that stops forwarding.
 */
export function forwardEvents(source: StudioEventSource, events: readonly EventName[], send: (channel: string, payload: unknown) => void): () => void {
  const unsubscribers = events.map((event) => source.on(event, (payload) => send(eventChannel(event), payload)));
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
