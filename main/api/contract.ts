// The one contract between the renderer and main. Both transports — Electron IPC
// (main/electron/preload + ipc) and web mode (main/api/web-server) — are generated
// from `methodInputs` and `eventNames`, so they cannot drift. Each feature declares its
// part in main/api/contract-<feature>.ts (schemas, result types, events) and is composed
// here; nothing else declares API methods.
//
// Conventions: every method takes one input object (validated with its zod schema
// where it enters main) and returns a Promise; events are pushed from main and the
// client exposes them as `onXxx(callback) => unsubscribe`. Errors cross as data
// ({ name, message }) and are rethrown on the client side.
import { z } from 'zod';
import { experimentsEventNames, experimentsMethodInputs, type ExperimentsApi, type ExperimentsEvents } from './contract-experiments.ts';
import { explorerEventNames, explorerMethodInputs, type ExplorerApi, type ExplorerEvents } from './contract-explorer.ts';
import { libraryEventNames, libraryMethodInputs, type LibraryApi, type LibraryEvents } from './contract-library.ts';

export * from './contract-experiments.ts';
export * from './contract-explorer.ts';
export * from './contract-library.ts';

/** Input schema of every API method. The key set is the API. */
export const methodInputs = {
  ...explorerMethodInputs,
  ...libraryMethodInputs,
  ...experimentsMethodInputs,
} as const;

export type MethodName = keyof typeof methodInputs;
export type MethodInput<M extends MethodName> = z.input<(typeof methodInputs)[M]>;

/** What each method resolves to. */
export interface StudioApi extends LibraryApi, ExperimentsApi, ExplorerApi {}

/** Events pushed from main to every connected renderer: name → payload. */
export interface StudioEvents extends LibraryEvents, ExperimentsEvents, ExplorerEvents {}

export const eventNames = [...libraryEventNames, ...experimentsEventNames, ...explorerEventNames] as const satisfies readonly (keyof StudioEvents)[];
export type EventName = (typeof eventNames)[number];

/** Errors cross transports as data and are rethrown by the client. */
export type { SerializedError } from '../error-message.ts';

// Compile-time guarantee that the schemas and the interface name the same methods.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _methodsMatch: Exact<MethodName, keyof StudioApi> = true;
const _eventsMatch: Exact<EventName, keyof StudioEvents> = true;
void _methodsMatch;
void _eventsMatch;
