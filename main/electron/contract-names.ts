// The contract's method and event names, which is all the preload needs from it.
// In Node (tests, type-checking) they are read from main/api/contract.ts; in the preload
// bundle scripts/build-electron.ts replaces this module with the same lists written out
// as literals, so the sandboxed preload does not carry zod and the schemas (~750 KB)
// only to learn their names.
import { eventNames as contractEventNames, methodInputs, type EventName, type MethodName } from '../api/contract.ts';

export const methodNames: readonly MethodName[] = Object.keys(methodInputs) as MethodName[];
export const eventNames: readonly EventName[] = contractEventNames;
