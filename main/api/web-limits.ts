// How large a web-mode API request body may be, per method. Most inputs are small
// objects (a path, an id, a page), so anything above the default is a mistake or abuse
// and is refused before it is read. Methods that carry a file's bytes (base64 in the
// JSON body) are declared here, and only here, with the larger cap. Browser-safe: the
// web server (main/api/web-api.ts) enforces these, and the renderer checks a file
// against MAX_UPLOAD_FILE_BYTES before sending it, so the user gets a clear message
// instead of an HTTP 413. Electron's IPC has no such cap (it passes a path instead).
import type { MethodName } from './contract.ts';

/** Every method not listed in FILE_BODY_METHODS. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** 48 MiB of JSON: photos are 2–15 MB, and base64 makes them a third larger. */
export const FILE_BODY_LIMIT_BYTES = 48 * 1024 * 1024;

/** The methods whose input carries file bytes, and their cap. */
const FILE_BODY_METHODS: Readonly<Partial<Record<MethodName, number>>> = {
  findNeighboursOfFile: FILE_BODY_LIMIT_BYTES,
};

/** Room in a file-carrying body for everything besides the base64 (ids, the file name, JSON syntax). */
const ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

/**
 * The largest file (raw bytes) that fits a file-carrying body once base64-encoded:
 * base64 turns every 3 bytes into 4 characters. 36 MiB minus a little.
 */
export const MAX_UPLOAD_FILE_BYTES = Math.floor((FILE_BODY_LIMIT_BYTES - ENVELOPE_ALLOWANCE_BYTES) / 4) * 3;

/** The body cap of `method` (the default for unknown names: those are refused anyway). */
export function bodyLimitOf(method: string): number {
  return Object.hasOwn(FILE_BODY_METHODS, method) ? FILE_BODY_METHODS[method as MethodName]! : DEFAULT_BODY_LIMIT_BYTES;
}
