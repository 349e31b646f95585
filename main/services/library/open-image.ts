// Opens any image the library accepts as a sharp pipeline, including BMP, which
// sharp's bundled libvips cannot read: BMP is decoded here (bmp-decoder.ts) and handed
// to sharp as raw pixels. Thumbnails use it; the training decoder should too, so every
// image the catalogue accepts can also be read for training.
import { open, readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { errorMessage } from '../../error-message.ts';
import { decodeBmp } from './bmp-decoder.ts';
import { detectFormat, MAGIC_BYTES, type DetectedFormat } from './detect-format.ts';

/**
 * How much damage an image may have and still be catalogued, trained on and embedded:
 * libvips warnings and a wrong checksum over intact pixels are tolerated, missing or
 * undecodable pixel data (a truncated file) is not. The scanner's full-decode check
 * (inspect-file.ts) and the training decoder (worker/data/decode.ts) must use the same
 * level, or an image the library shows is skipped in training.
 */
export const ACCEPTED_DAMAGE = 'truncated' satisfies SharpOptions['failOn'];

export interface OpenImageOptions {
  /** Refuse images with more pixels than this (decompression-bomb guard). */
  maxPixels: number;
  /** sharp's failOn (default 'none': tolerate minor damage when only showing an image). */
  failOn?: SharpOptions['failOn'];
  /** The format if already known (saves reading the file's first bytes). */
  format?: DetectedFormat | string;
}

export async function openImage(absPath: string, options: OpenImageOptions): Promise<Sharp> {
  const format = options.format ?? detectFormat(await readHead(absPath));
  if (format === 'bmp') return openImageBytes(await readFile(absPath), { ...options, format });
  return sharp(absPath, { failOn: options.failOn ?? 'none', limitInputPixels: options.maxPixels });
}

/** The same for bytes already in memory (the training decoder reads files itself). */
export function openImageBytes(bytes: Buffer, options: OpenImageOptions): Sharp {
  const format = options.format ?? detectFormat(bytes.subarray(0, MAGIC_BYTES));
  if (format === 'bmp') {
    const raw = decodeBmp(bytes, options.maxPixels);
    return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  }
  return sharp(bytes, { failOn: options.failOn ?? 'none', limitInputPixels: options.maxPixels });
}

/** The first bytes of a file, enough to recognise its format by content. */
export async function readHead(absPath: string): Promise<Buffer> {
  const handle = await open(absPath, 'r');
  try {
    const buffer = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAGIC_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** libvips messages can span lines and repeat the file name; keep the first clause. */
export function decoderMessage(error: unknown): string {
  const text = errorMessage(error);
  return text.split('\n')[0]!.replace(/^Input (file|buffer) /, '').trim().slice(0, 160);
}

/** sharp refused the image for its pixel count (limitInputPixels), not for damage. */
export function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

