// A file dropped (or chosen) from outside the dataset, as a neighbour query. Electron
// knows the file's path (the bridge's pathForFile), so main reads it; a browser never
// reveals paths, so the bytes travel instead (base64 in the JSON call).
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
  return { kind: 'file', name: file.name, path: null, bytesBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}
