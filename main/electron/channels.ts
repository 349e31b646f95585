// IPC channel names, shared by the preload (invoke/on) and main (handle/send). One
// channel per API method and per event, derived from the contract's names, so a
// handler can only ever be reached for a method the contract declares.
import type { EventName, MethodName } from '../api/contract.ts';

export function methodChannel(method: MethodName): string {
  return `studio:call:${method}`;
}

export function eventChannel(event: EventName): string {
  return `studio:event:${event}`;
}

/** The native folder dialog (a transport helper, not an API method: web mode has none). */
export const PICK_FOLDER_CHANNEL = 'studio:dialog:pickFolder';
