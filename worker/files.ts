// Atomic file writes for everything the app writes that matters (checkpoints,
// embeddings, exports, pixel caches): the bytes go to a temporary name in the SAME
// directory (so the final rename never crosses a file system), are fsynced, and only
// then renamed over the target. A crash, a full disk or a failing writer therefore
// leaves either the old file or the new one, never half of one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../main/error-message.ts';

/** Writes one chunk to an open file. Injectable so tests can simulate a full disk mid-file. */
export type ChunkWriter = (handle: fs.FileHandle, chunk: Uint8Array) => Promise<void>;

export interface AtomicWriteOptions {
  readonly writeChunk?: ChunkWriter;
}

const writeWholeChunk: ChunkWriter = async (handle, chunk) => {
  // FileHandle.write may write fewer bytes than asked; loop until the chunk is out.
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
};

/** The temporary sibling name used while `target` is being written. */
export function temporaryNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `chunks` to `target` atomically (temp file, fsync, rename, fsync of the
 * directory where the platform allows it). On any failure the temp file is removed,
 * the previous `target` (if any) is untouched, and the error is rethrown with the
 * target named in its message.
 */
export async function writeFileAtomic(
  target: string,
  chunks: readonly (Uint8Array | string)[] | Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const writeChunk = options.writeChunk ?? writeWholeChunk;
  const parts = Array.isArray(chunks) ? chunks : [chunks as Uint8Array | string];
  const temp = temporaryNameFor(target);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    for (const part of parts) {
      await writeChunk(handle, typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    const reason = errorMessage(error);
    throw new Error(`could not write ${target}: ${reason}`, { cause: error });
  }
  await syncDirectory(path.dirname(target));
}

/** Makes the rename durable. Directories cannot be opened for fsync on Windows; skip there. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
