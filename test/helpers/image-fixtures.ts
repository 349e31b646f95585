// Writes real image folders for tests and benchmarks: valid images made with sharp,
// and every bad input of issue 2 (zero-byte, truncated and corrupt files, text renamed
// .jpg, a decompression bomb, unreadable files and folders, symlink loops, odd names).
// Nothing here is a mock: each file is what a user's disk could really hold.
//
// Stable API (other tests import it): createTempDir, encodeImage, writeImage, writeLabelledFolder,
// writeBadInputs, BAD_INPUT_NAMES, encodeBmp, fixturePixels, encodeJpegDamagedPastHeader,
// encodePngDamagedPastStructure.
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export type FixtureFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif';

export interface TempDir {
  path: string;
  /** Restores permissions changed by writeBadInputs, then deletes the folder. */
  remove(): Promise<void>;
}

/** A fresh folder under os.tmpdir(); call remove() in the test's `after`. */
export async function createTempDir(prefix = 'simclr-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return {
    path: dir,
    async remove() {
      await restorePermissions(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ImageOptions {
  width?: number;
  height?: number;
  format?: FixtureFormat;
  /** Different seeds give different pixels (so different content hashes). */
  seed?: number;
  /** EXIF orientation tag to write (1–8), for rotation tests. */
  orientation?: number;
}

/**
 * Deterministic RGB noise plus a gradient ([height, width, 3], row-major), so images are
 * distinct and compress realistically.
 */
export function fixturePixels(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0; // LCG: cheap and seedable
    const x = Math.floor(i / 3) % width;
    data[i] = ((x * 255) / Math.max(1, width - 1) + (state >>> 26)) & 0xff;
  }
  return data;
}

/** Encodes a valid image in memory. */
export async function encodeImage(options: ImageOptions = {}): Promise<Buffer> {
  const { width = 32, height = 32, format = 'png', seed = 0, orientation } = options;
  let image = sharp(fixturePixels(width, height, seed), { raw: { width, height, channels: 3 } });
  if (orientation !== undefined) image = image.withMetadata({ orientation });
  return image.toFormat(format, format === 'avif' ? { effort: 0 } : {}).toBuffer();
}

/** Writes a valid image file (creating parent folders) and returns its path. */
export async function writeImage(file: string, options: ImageOptions = {}): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await encodeImage(options));
  return file;
}

export interface LabelledFolderOptions {
  /** Class (sub-folder) name → number of images. */
  classes: Record<string, number>;
  size?: number;
  format?: FixtureFormat;
  /** Offsets the seeds so two folders made with the same classes differ. */
  seedOffset?: number;
}

/** Writes <root>/<class>/<class>-<i>.<ext>; returns the relative paths ('/'-separated). */
export async function writeLabelledFolder(root: string, options: LabelledFolderOptions): Promise<string[]> {
  const { classes, size = 32, format = 'png', seedOffset = 0 } = options;
  const ext = format === 'jpeg' ? 'jpg' : format;
  const relPaths: string[] = [];
  let seed = seedOffset;
  for (const [label, count] of Object.entries(classes)) {
    for (let i = 0; i < count; i++) {
      const rel = `${label}/${label}-${i}.${ext}`;
      await writeImage(path.join(root, rel), { width: size, height: size, format, seed: seed++ });
      relPaths.push(rel);
    }
  }
  return relPaths;
}

export type BmpVariant = 'rgb24' | 'bgra32-topdown' | 'gray8';

/**
 * Encodes RGB pixels ([height, width, 3], row-major, top row first) as a BMP file, which
 * sharp cannot write: 24-bit bottom-up, 32-bit top-down with bit-field masks and an
 * alpha ramp (BITMAPV4HEADER), or 8-bit with a grey palette (uses the red channel).
 */
export function encodeBmp(rgb: Buffer, width: number, height: number, variant: BmpVariant = 'rgb24'): Buffer {
  const bpp = variant === 'rgb24' ? 24 : variant === 'gray8' ? 8 : 32;
  const headerSize = variant === 'bgra32-topdown' ? 108 : 40;
  const paletteBytes = variant === 'gray8' ? 256 * 4 : 0;
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  const pixelOffset = 14 + headerSize + paletteBytes;
  const file = Buffer.alloc(pixelOffset + rowBytes * height);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(pixelOffset, 10);
  file.writeUInt32LE(headerSize, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(variant === 'bgra32-topdown' ? -height : height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bpp, 28);
  file.writeUInt32LE(variant === 'bgra32-topdown' ? 3 : 0, 30); // BI_BITFIELDS : BI_RGB
  file.writeUInt32LE(rowBytes * height, 34);
  if (variant === 'gray8') file.writeUInt32LE(256, 46);
  if (variant === 'bgra32-topdown') {
    file.writeUInt32LE(0x00ff0000, 54);
    file.writeUInt32LE(0x0000ff00, 58);
    file.writeUInt32LE(0x000000ff, 62);
    file.writeUInt32LE(0xff000000, 66);
  }
  for (let i = 0; i < paletteBytes / 4; i++) file.fill(i, 14 + headerSize + i * 4, 14 + headerSize + i * 4 + 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (variant === 'bgra32-topdown' ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (variant === 'gray8') file[row + x] = rgb[p]!;
      else {
        const o = row + x * (bpp / 8);
        file[o] = rgb[p + 2]!;
        file[o + 1] = rgb[p + 1]!;
        file[o + 2] = rgb[p]!;
        if (bpp === 32) file[o + 3] = (x * 255) / Math.max(1, width - 1);
      }
    }
  }
  return file;
}

/** A PNG chunk: length, type, data, CRC over type+data (PNG spec §5.3). */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A valid 1-bit grayscale PNG of width×height pixels, all black. At 20000×10000
 * (200 megapixels) it is ~25 KB on disk: a decompression bomb.
 */
export function decompressionBombPng(width = 20000, height = 10000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed pixels
  const idat = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A JPEG damaged where only a full decode sees it: every marker is intact through the end
 * of image and libjpeg reads its header, but its last colour component names a
 * quantization table the file never defines, which libjpeg refuses when it starts
 * decoding ("Quantization table 0x03 was not defined"). The scanner catalogues such a
 * file from its header when a thumbnail pass follows (deferDecode).
 */
export async function encodeJpegDamagedPastHeader(options: Omit<ImageOptions, 'format'> = {}): Promise<Buffer> {
  const bytes = Buffer.from(await encodeImage({ ...options, format: 'jpeg' }));
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  if (sof < 0) throw new Error('encodeJpegDamagedPastHeader: sharp wrote no baseline frame header');
  // SOF0: marker, length (2), precision, height (2), width (2), component count, then
  // per component: id, sampling factors, quantization table number.
  const components = bytes[sof + 9]!;
  if (components !== 3) throw new Error(`encodeJpegDamagedPastHeader: expected 3 components, found ${components}`);
  bytes[sof + 10 + 2 * 3 + 2] = 3;
  return bytes;
}

/**
 * A PNG damaged where only a full decode sees it: every chunk is whole and its CRC is
 * right (recomputed, as a buggy encoder would write it), but the compressed pixel data
 * in IDAT is garbage, which libpng refuses when it inflates it.
 */
export async function encodePngDamagedPastStructure(options: Omit<ImageOptions, 'format'> = {}): Promise<Buffer> {
  const bytes = Buffer.from(await encodeImage({ ...options, format: 'png' }));
  const idat = bytes.indexOf(Buffer.from('IDAT', 'ascii'));
  if (idat < 4) throw new Error('encodePngDamagedPastStructure: sharp wrote no IDAT chunk');
  const length = bytes.readUInt32BE(idat - 4);
  const data = bytes.subarray(idat + 4, idat + 4 + length);
  for (let i = 2; i < data.length; i++) data[i] = (data[i]! * 7 + 0x5a) & 0xff; // keep the 2-byte zlib header
  bytes.writeUInt32BE(crc32(bytes.subarray(idat, idat + 4 + length)) >>> 0, idat + 4 + length);
  return bytes;
}

/** Keys of the object writeBadInputs returns. */
export const BAD_INPUT_NAMES = [
  'zeroByte',
  'textAsJpg',
  'nonImage',
  'truncatedJpeg',
  'truncatedPng',
  'corruptPng',
  'bomb',
  'unreadableFile',
  'unreadableFolder',
  'brokenSymlink',
  'symlinkLoop',
  'escapingSymlink',
] as const;

export interface BadInputs {
  /** Relative paths ('/'-separated) of files and folders that must be reported as skipped. */
  skipped: Record<(typeof BAD_INPUT_NAMES)[number], string>;
  /** Valid images with unusual names that must be catalogued. */
  validOddNames: string[];
  /** Files inside hidden or system folders, and hidden files: ignored without a report. */
  ignored: string[];
  /** The image inside the unreadable folder (`skipped.unreadableFolder`), readable only by root. */
  insideUnreadableFolder: string;
}

/**
 * Writes every bad input of issue 2 into `root` (which must exist), next to whatever
 * is there. The escaping symlink points into `outsideDir` (created if missing), which
 * must be outside `root`.
 */
export async function writeBadInputs(root: string, outsideDir: string): Promise<BadInputs> {
  const at = (rel: string) => path.join(root, ...rel.split('/'));
  await mkdir(root, { recursive: true });

  const skipped = {
    zeroByte: 'bad/empty.jpg',
    textAsJpg: 'bad/notes-renamed.jpg',
    nonImage: 'bad/readme.txt',
    truncatedJpeg: 'bad/truncated.jpg',
    truncatedPng: 'bad/truncated.png',
    corruptPng: 'bad/corrupt.png',
    bomb: 'bad/bomb.png',
    unreadableFile: 'bad/locked.png',
    unreadableFolder: 'locked-folder',
    brokenSymlink: 'links/broken.png',
    symlinkLoop: 'links/loop',
    escapingSymlink: 'links/outside.png',
  } as const;

  await mkdir(at('bad'), { recursive: true });
  await writeFile(at(skipped.zeroByte), Buffer.alloc(0));
  await writeFile(at(skipped.textAsJpg), 'These are my holiday notes, not a photo.\n');
  await writeFile(at(skipped.nonImage), 'plain text\n');

  const jpeg = await encodeImage({ width: 256, height: 256, format: 'jpeg', seed: 901 });
  await writeFile(at(skipped.truncatedJpeg), jpeg.subarray(0, Math.floor(jpeg.length * 0.5)));

  const png = await encodeImage({ width: 256, height: 256, format: 'png', seed: 902 });
  await writeFile(at(skipped.truncatedPng), png.subarray(0, Math.floor(png.length * 0.5)));
  const corrupt = Buffer.from(png);
  // Garble the middle of the compressed data: the header still parses, decoding fails.
  for (let i = Math.floor(corrupt.length * 0.4); i < Math.floor(corrupt.length * 0.6); i++) corrupt[i] = (corrupt[i]! ^ 0x5a) & 0xff;
  await writeFile(at(skipped.corruptPng), corrupt);

  await writeFile(at(skipped.bomb), decompressionBombPng());

  await writeImage(at(skipped.unreadableFile), { seed: 903 });
  await chmod(at(skipped.unreadableFile), 0o000);

  const lockedFolder = at(skipped.unreadableFolder);
  await writeImage(path.join(lockedFolder, 'inside.png'), { seed: 904 });
  await chmod(lockedFolder, 0o000);

  await mkdir(at('links'), { recursive: true });
  await symlink(path.join(root, 'links', 'does-not-exist.png'), at(skipped.brokenSymlink));
  await symlink('..', at(skipped.symlinkLoop)); // links/loop → root: a cycle
  await mkdir(outsideDir, { recursive: true });
  const outsideImage = await writeImage(path.join(outsideDir, 'secret.png'), { seed: 905 });
  await symlink(outsideImage, at(skipped.escapingSymlink));

  const validOddNames = ['odd names/holiday photo 1.png', 'odd names/café ☕ 日本.png', 'odd names/cat 🐱.png'];
  let seed = 910;
  for (const rel of validOddNames) await writeImage(at(rel), { seed: seed++ });

  const ignored = ['.hidden/secret.png', '.DS_Store', '__MACOSX/x.png', '$RECYCLE.BIN/old.png', 'System Volume Information/x.png', '._photo.png'];
  for (const rel of ignored) await writeImage(at(rel), { seed: seed++ });

  return { skipped, validOddNames, ignored, insideUnreadableFolder: `${skipped.unreadableFolder}/inside.png` };
}

/** Gives back read/write/search permission everywhere under `dir` so it can be deleted. */
async function restorePermissions(dir: string): Promise<void> {
  const walk = async (current: string): Promise<void> => {
    try {
      await chmod(current, 0o755);
    } catch {
      return;
    }
    let entries: string[];
    try {
      entries = await readdir(current);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(current, name);
      const info = await lstat(full).catch(() => null);
      if (!info || info.isSymbolicLink()) continue;
      if (info.isDirectory()) await walk(full);
      else await chmod(full, 0o644).catch(() => undefined);
    }
  };
  await walk(dir);
}
