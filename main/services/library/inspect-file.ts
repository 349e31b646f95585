// Looks at one listed file and decides whether it is a usable image: reads it once,
// recognises the format by content, reads the header with sharp (dimensions, pixel
// limit), checks that the whole file really decodes (a truncated JPEG has a perfect
// header), and hashes the bytes. The app runs it in the image worker thread
// (image-tasks.ts; in-process only as a fallback), off the main event loop.
import { createHash, webcrypto } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import sharp from 'sharp';
import { BmpError, decodeBmp, readBmpHeader } from './bmp-decoder.ts';
import { detectFormat, describeNonImage, MAGIC_BYTES } from './detect-format.ts';
import { structureProblem } from './image-structure.ts';
import { ACCEPTED_DAMAGE, decoderMessage, isPixelLimitError, readHead } from './open-image.ts';
import { withDecoderReason } from './decoder-reason.ts';
import * as reasons from './skip-reasons.ts';

export interface InspectOptions {
  /** Images with more pixels than this are skipped (decompression-bomb guard). */
  maxPixels: number;
  /** Files up to this size are read into memory once; larger ones are streamed (default 16 MB). */
  inMemoryMaxBytes?: number;
  /**
   * Catalogue a small JPEG or PNG that runs intact to its end from its header alone,
   * leaving the full decode to the thumbnail that is made of every catalogued image
   * (thumbnail-service.ts marks the image damaged if that decode fails). Only for
   * callers whose thumbnail pass follows; default false: every file is decoded here.
   */
  deferDecode?: boolean;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Files up to this size are read whole; the scanner bounds the bytes in flight (scan.ts BATCH_BYTES), ~128 MB. */
export const IN_MEMORY_LIMIT = 16 * 1024 * 1024;
/** Side of the throw-away decode that proves a larger file is complete. */
const CHECK_SIDE = 64;
/** Files up to this size and pixel count are decoded whole in one call (≤ 3 MB of pixels). */
const ONE_SHOT_MAX_BYTES = 512 * 1024;
const ONE_SHOT_MAX_PIXELS = 1_000_000;

export type Inspection =
  | { kind: 'image'; size: number; mtimeMs: number; contentHash: string; width: number; height: number; format: string }
  | { kind: 'skipped'; size: number; mtimeMs: number; reason: string }
  /** The file disappeared between listing and reading: it is not in the folder any more. */
  | { kind: 'gone' };

/**
 * `rel` names the file in messages; `absPath` is where it is read. `listed` is the
 * size and mtime the listing just saw (saves a stat per file; a file that changes
 * after that shows up as a length mismatch). Never throws for bad files.
 */
export async function inspectFile(absPath: string, rel: string, options: InspectOptions, listed?: { size: number; mtimeMs: number }): Promise<Inspection> {
  let info = listed;
  if (!info) {
    try {
      const stats = await stat(absPath);
      if (!stats.isFile()) return { kind: 'skipped', size: 0, mtimeMs: stats.mtimeMs, reason: reasons.unreadableFile(rel, 'EISDIR') };
      info = stats;
    } catch (error) {
      return statFailure(rel, error);
    }
  }
  const { size, mtimeMs } = info;
  const skip = (reason: string): Inspection => ({ kind: 'skipped', size, mtimeMs, reason });
  if (size === 0) return skip(reasons.emptyFile(rel));

  let input: Buffer | string;
  let head: Buffer;
  try {
    if (size <= (options.inMemoryMaxBytes ?? IN_MEMORY_LIMIT)) {
      const bytes = size <= ONE_SHOT_MAX_BYTES ? await readSmallFile(absPath, size) : await readListedSize(absPath, size);
      // A copy still in progress (or a rewrite) shows as a size different from the stat.
      if (!bytes) return skip(reasons.changedWhileReading(rel));
      input = bytes;
      head = input.subarray(0, MAGIC_BYTES);
    } else {
      input = absPath;
      head = await readHead(absPath);
    }
  } catch (error) {
    return statFailure(rel, error, size, mtimeMs);
  }

  const format = detectFormat(head);
  if (format === null) return skip(reasons.notAnImage(rel, describeNonImage(head)));
  if (format === 'bmp') return inspectBmp(typeof input === 'string' ? absPath : input, rel, size, mtimeMs, options.maxPixels);

  const skipUndecodable = (error: unknown) =>
    skip(format === 'heif' ? reasons.unsupportedFormat(rel, 'heif', decoderMessage(error)) : reasons.damaged(rel, format, decoderMessage(error)));
  const hashing = hashContent(input);
  hashing.catch(() => undefined); // awaited below; avoid an unhandled rejection if we return early

  // Small files (most datasets for SimCLR) are decoded whole in one sharp call, which
  // also gives the oriented size: one call instead of two halves the per-file overhead.
  // A small JPEG or PNG may skip even that (deferDecode): its header is read by sharp,
  // which costs a third of a decode, and a truncated one never passes structureProblem.
  // The walk also explains a file that fails because it is incomplete (the common damage),
  // so that failure needs no repeat for libvips' own words (decoder-reason.ts).
  let size2d: { width: number; height: number } | null = null;
  let headerOnly = false;
  const problem = typeof input !== 'string' && size <= ONE_SHOT_MAX_BYTES ? structureProblem(format, input) : undefined;
  if (options.deferDecode && problem === null) {
    headerOnly = true;
  } else if (typeof input !== 'string' && size <= ONE_SHOT_MAX_BYTES) {
    try {
      const bytes = input;
      size2d = await withDecoderReason(() => decodeWhole(bytes, Math.min(ONE_SHOT_MAX_PIXELS, options.maxPixels)), { repeatAlone: !problem });
    } catch (error) {
      // Too many pixels for the one-shot path: take the header + reduced decode path below.
      if (!isPixelLimitError(error)) return problem ? skip(reasons.damaged(rel, format, problem)) : skipUndecodable(error);
    }
  }
  if (!size2d) {
    try {
      // No pixel limit here: we read the header to report the size ourselves.
      const source = input;
      const meta = await withDecoderReason(() => sharp(source, { limitInputPixels: false }).metadata());
      const width = meta.autoOrient?.width ?? meta.width ?? 0;
      const height = meta.autoOrient?.height ?? meta.height ?? 0;
      if (!(width > 0 && height > 0)) return skip(reasons.damaged(rel, format, 'no image size in its header'));
      if (width * height > options.maxPixels) return skip(reasons.tooManyPixels(rel, width, height, options.maxPixels));
      if (!headerOnly) await withDecoderReason(() => decodeReduced(source, options.maxPixels));
      size2d = { width, height };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'gone' };
      if (code) return skip(reasons.unreadableFile(rel, code));
      return skipUndecodable(error);
    }
  }

  try {
    const contentHash = await hashing;
    // The hash must describe the bytes we decoded: re-check the stat of streamed files.
    if (typeof input === 'string') {
      const after = await stat(absPath);
      if (after.size !== size || after.mtimeMs !== mtimeMs) return skip(reasons.changedWhileReading(rel));
    }
    return { kind: 'image', size, mtimeMs, contentHash, width: size2d.width, height: size2d.height, format };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    return skip(reasons.unreadableFile(rel, code));
  }
}

/** BMP: sharp cannot read it, so the header and the decode check use our own decoder. */
async function inspectBmp(input: Buffer | string, rel: string, size: number, mtimeMs: number, maxPixels: number): Promise<Inspection> {
  const skip = (reason: string): Inspection => ({ kind: 'skipped', size, mtimeMs, reason });
  let bytes: Buffer;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (error) {
    return statFailure(rel, error, size, mtimeMs);
  }
  try {
    const header = readBmpHeader(bytes);
    if (header.width * header.height > maxPixels) return skip(reasons.tooManyPixels(rel, header.width, header.height, maxPixels));
    const raw = decodeBmp(bytes, maxPixels);
    const contentHash = await hashContent(bytes);
    return { kind: 'image', size, mtimeMs, contentHash, width: raw.width, height: raw.height, format: 'bmp' };
  } catch (error) {
    if (error instanceof BmpError && /not supported/.test(error.message)) return skip(reasons.unsupportedFormat(rel, 'bmp', error.message));
    return skip(reasons.damaged(rel, 'bmp', decoderMessage(error)));
  }
}

/** Decodes a small image completely (EXIF orientation applied); returns its displayed size. Throws if damaged. */
async function decodeWhole(input: Buffer, maxPixels: number): Promise<{ width: number; height: number }> {
  const { info } = await sharp(input, { failOn: ACCEPTED_DAMAGE, limitInputPixels: maxPixels }).rotate().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

/** Decodes the whole file at a tiny size (JPEG shrinks on load: cheap); throws if it is truncated or corrupt. */
async function decodeReduced(input: Buffer | string, maxPixels: number): Promise<void> {
  await sharp(input, { failOn: ACCEPTED_DAMAGE, limitInputPixels: maxPixels, sequentialRead: true })
    .resize(CHECK_SIDE, CHECK_SIDE, { fit: 'inside', kernel: 'nearest', withoutEnlargement: true })
    .raw()
    .toBuffer();
}

/**
 * Buffers up to this size are hashed synchronously: sha256 of 256 KB takes ~0.5 ms,
 * less than WebCrypto's copy + thread-pool round trip costs for a small file (this runs
 * in the image worker thread, not on the main event loop).
 */
const SYNC_HASH_MAX_BYTES = 256 * 1024;

/** sha256 of the file's bytes, hex. Large buffers: WebCrypto digests on the thread pool. */
export async function hashContent(input: Buffer | string): Promise<string> {
  if (typeof input !== 'string' && input.length <= SYNC_HASH_MAX_BYTES) return createHash('sha256').update(input).digest('hex');
  if (typeof input !== 'string') return Buffer.from(await webcrypto.subtle.digest('SHA-256', input)).toString('hex');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Small files are read synchronously when this runs in the image worker thread: from a
 * local disk that takes ~10 µs, while an asynchronous read is three round trips through
 * libuv's 4-thread pool, where they queue behind sharp's decodes (measured: first scans
 * 8–19 % faster, bench/library-throughput.ts). A read slower than SLOW_READ_MS (a network
 * drive, a sleeping disk) switches this thread to asynchronous reads for good, because
 * those overlap the latency of several files. Never synchronous on the main thread.
 */
let readSmallFilesSync = !isMainThread;
const SLOW_READ_MS = 5;

async function readSmallFile(absPath: string, size: number): Promise<Buffer | null> {
  if (!readSmallFilesSync) return readListedSize(absPath, size);
  const start = performance.now();
  const bytes = readListedSizeSync(absPath, size);
  if (performance.now() - start > SLOW_READ_MS) readSmallFilesSync = false;
  return bytes;
}

/** readListedSize's synchronous twin (worker thread only, see readSmallFile). */
function readListedSizeSync(absPath: string, size: number): Buffer | null {
  const fd = openSync(absPath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size + 1);
    let filled = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      filled += bytesRead;
      if (bytesRead === 0 || filled === buffer.length) break;
    }
    return filled === size ? buffer.subarray(0, size) : null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a file whose size the listing saw: open, read, close (readFile would also
 * fstat and read once more to find the end: two extra thread-pool round trips per
 * file). Asks for one byte more than expected, so a file that grew is noticed as well
 * as one that shrank; returns null if the size is not `size`.
 */
async function readListedSize(absPath: string, size: number): Promise<Buffer | null> {
  const handle = await open(absPath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size + 1);
    let filled = 0;
    for (;;) {
      // Network file systems may return short reads: continue until the end or one byte past the size.
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      filled += bytesRead;
      if (bytesRead === 0 || filled === buffer.length) break;
    }
    return filled === size ? buffer.subarray(0, size) : null;
  } finally {
    await handle.close();
  }
}


function statFailure(rel: string, error: unknown, size = 0, mtimeMs = 0): Inspection {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone' };
  return { kind: 'skipped', size, mtimeMs, reason: reasons.unreadableFile(rel, code) };
}

