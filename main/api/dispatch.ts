// The server half shared by both transports: validate a call's input against its
// schema, run it on the API implementation, and turn any error into data.
import { z } from 'zod';
import { errorNameAndMessage } from '../error-message.ts';
import { formatZodIssues } from '../zod-issues.ts';
import { methodInputs, type MethodName, type SerializedError, type StudioApi } from './contract.ts';

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methodInputs, name);
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof z.ZodError) {
    return { name: 'InvalidInput', message: `invalid input: ${formatZodIssues(error, { whole: 'input' })}` };
  }
  return errorNameAndMessage(error);
}

/** Validates `rawInput` for `method` and calls it; never throws. */
export async function dispatch(api: StudioApi, method: string, rawInput: unknown): Promise<CallOutcome> {
  try {
    if (!isMethodName(method)) return { ok: false, error: { name: 'UnknownMethod', message: `unknown API method '${method}'` } };
    const input = methodInputs[method].parse(rawInput ?? {});
    const fn = api[method] as (input: unknown) => Promise<unknown>;
    const value = await fn.call(api, input);
    return { ok: true, value: value ?? null };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

/** Client side: turn a serialized error back into an Error with the same name. */
export function reviveError(error: SerializedError): Error {
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}
