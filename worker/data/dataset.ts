// A folder's images made ready for training: each file read once, content-hashed,
// decoded to the square uint8 source (see source-size.ts) and stored in the pixel
// cache. Files that cannot be read or decoded are skipped and reported by name with the
// reason; they never stop the run. After preparation, `pixels(i)` reads the cache only
// (decode happens again only if a cache entry disappears).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { errorMessage } from '../../main/error-message.ts';
import { describeNonImage, detectFormat, MAGIC_BYTES, type DetectedFormat } from '../../main/services/library/detect-format.ts';
import { decodeToSquare } from './decode.ts';
import type { ImageFile } from './list-images.ts';
import type { PixelCache } from './pixel-cache.ts';

export interface SkippedImage {
  readonly path: string;
  readonly reason: string;
}

export interface PreparedImage {
  readonly file: ImageFile;
  /** sha256 of the file's bytes, hex. */
  readonly hash: string;
}

export interface PrepareOptions {
  readonly side: number;
  readonly cache: PixelCache;
  /** Files decoded at once; sharp runs them on libuv's thread pool (4 threads by default). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  readonly onSkipped?: (skipped: SkippedImage) => void;
  /** Files the listing already refused (links out of the folder, duplicates): reported with the rest. */
  readonly listingSkipped?: readonly SkippedImage[];
}

export class ImageDataset {
  readonly side: number;
  readonly images: readonly PreparedImage[];
  readonly skipped: SkippedImage[];
  readonly #cache: PixelCache;

  constructor(side: number, images: readonly PreparedImage[], skipped: SkippedImage[], cache: PixelCache) {
    this.side = side;
    this.images = images;
    this.skipped = skipped;
    this.#cache = cache;
  }

  get size(): number {
    return this.images.length;
  }

  /**
   * Identifies the exact set of images (by content) in order; a checkpoint stores it so
   * that resuming on a different folder is refused instead of silently diverging.
   */
  get fingerprint(): string {
    const hash = createHash('sha256');
    for (const image of this.images) hash.update(image.hash);
    return hash.digest('hex');
  }

  /** uint8 [side, side, 3] of image i: from the cache, or decoded again from its file. */
  async pixels(index: number): Promise<Uint8Array> {
    const image = this.images[index];
    if (!image) throw new RangeError(`image index ${index} outside 0..${this.images.length - 1}`);
    const cached = await this.#cache.get(image.hash, this.side);
    if (cached) return cached;
    return (await loadAndCache(image.file.path, this.side, this.#cache)).pixels;
  }
}

/** Reads, hashes and decodes every file (or finds it in the cache); returns the usable ones. */
export async function prepareDataset(files: readonly ImageFile[], options: PrepareOptions): Promise<ImageDataset> {
  const { side, cache, concurrency = 4 } = options;
  const hashes: (string | undefined)[] = new Array(files.length);
  const skipped: SkippedImage[] = [...(options.listingSkipped ?? [])];
  for (const entry of skipped) options.onSkipped?.(entry);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      options.signal?.throwIfAborted();
      const i = next++;
      const file = files[i]!;
      try {
        hashes[i] = (await loadAndCache(file.path, side, cache)).hash;
      } catch (error) {
        const entry = { path: file.path, reason: reasonOf(error) };
        skipped.push(entry);
        options.onSkipped?.(entry);
      }
      options.onProgress?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  const images: PreparedImage[] = [];
  files.forEach((file, i) => {
    const hash = hashes[i];
    if (hash) images.push({ file, hash });
  });
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return new ImageDataset(side, images, skipped, cache);
}

async function loadAndCache(file: string, side: number, cache: PixelCache): Promise<{ hash: string; pixels: Uint8Array }> {
  const bytes = await fs.readFile(file);
  if (bytes.byteLength === 0) throw new Error('empty file (0 bytes)');
  const hash = createHash('sha256').update(bytes).digest('hex');
  const cached = await cache.get(hash, side);
  if (cached) return { hash, pixels: cached };
  const pixels = await decodeToSquare(bytes, side, recognisedFormat(bytes));
  await cache.put(hash, side, pixels);
  return { hash, pixels };
}

/**
 * Recognises the content before decoding (the library scanner's rule: by magic bytes,
 * never by extension), so the reason says "a text file" rather than sharp's generic
 * "unsupported image format".
 */
function recognisedFormat(bytes: Uint8Array): DetectedFormat {
  const head = bytes.subarray(0, MAGIC_BYTES);
  const format = detectFormat(head);
  if (format === null) throw new Error(`not an image: ${describeNonImage(head)}`);
  return format;
}

/** sharp's messages are precise but terse ("Input buffer contains unsupported image format"); keep them, shortened to one line. */
export function reasonOf(error: unknown): string {
  const message = errorMessage(error).split('\n')[0]!.trim();
  // libvips sometimes loses its message when several decodes fail at once.
  return !message || /^unknown error$/i.test(message) ? 'damaged image (the decoder gave no details)' : message;
}
