// On-disk cache of decoded source pixels, so epochs after the first (and later runs on
// the same images) decode nothing. One raw file per (content hash, side):
//   <dir>/<side>/<hash[0..2]>/<hash>.rgb   — exactly side·side·3 bytes, uint8 RGB.
// Keyed by CONTENT hash, not path: a renamed file still hits, an edited file misses.
// Files are written atomically; a file of the wrong length is treated as a miss.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../files.ts';

export class PixelCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  pathFor(hash: string, side: number): string {
    return path.join(this.dir, String(side), hash.slice(0, 2), `${hash}.rgb`);
  }

  /** The cached pixels, or undefined when missing or damaged (wrong length). */
  async get(hash: string, side: number): Promise<Uint8Array | undefined> {
    const bytes = await fs.readFile(this.pathFor(hash, side)).catch(() => undefined);
    if (!bytes || bytes.byteLength !== side * side * 3) return undefined;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async put(hash: string, side: number, pixels: Uint8Array): Promise<void> {
    if (pixels.byteLength !== side * side * 3) throw new Error(`pixel cache: expected ${side * side * 3} bytes, got ${pixels.byteLength}`);
    const target = this.pathFor(hash, side);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, pixels);
  }
}
