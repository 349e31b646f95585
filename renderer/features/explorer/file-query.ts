// A file dropped (or chosen) from outside the dataset, as a neighbour query. Electron
// knows the file's path (the bridge's pathForFile), so main reads it; a browser never
// reveals paths, so the bytes travel instead (base64 in the JSON call).
import { MAX_UPLOAD_FILE_BYTES } from '../../../main/api/web-limits.ts';
import type { StudioBridge } from '../../lib/api.ts';
import type { NeighbourQuery } from '../../lib/state/explorer.svelte.ts';

/** Base64 of bytes, in chunks (String.fromCharCode on a whole file overflows the call stack). */
export function toBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}

export async function fileQuery(studio: StudioBridge, file: File): Promise<NeighbourQuery> {
  const path = studio.pathForFile(file);
  if (path !== '') return { kind: 'file', name: file.name, path, bytesBase64: null };
  // Checked before reading: the server would refuse the body anyway (HTTP 413), without saying why.
  if (file.size > MAX_UPLOAD_FILE_BYTES) throw new Error(tooLargeToSend(file.size));
  return { kind: 'file', name: file.name, path: null, bytesBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

const MB = 1024 * 1024;

/** Why a file cannot be sent from the browser, in words (the caller names the file). */
export function tooLargeToSend(bytes: number): string {
  return (
    `it is ${(bytes / MB).toFixed(1)} MB, and the browser version can send images of at most ${(MAX_UPLOAD_FILE_BYTES / MB).toFixed(1)} MB. ` +
    'Use a smaller copy of it, or the desktop app, which reads the file where it is.'
  );
}
