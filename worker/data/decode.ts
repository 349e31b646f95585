// Decodes one image file's bytes with sharp into the square uint8 RGB source the
// pipeline trains on: [side, side, 3], row-major, channels last.
// - EXIF orientation is applied (`.rotate()` with no angle), so a phone photo is upright.
// - Grayscale (and CMYK, palette, 16-bit) becomes 8-bit sRGB with three channels.
// - Alpha is dropped (like PIL's convert('RGB'), which torchvision pipelines use).
// - Any format sharp reads works; the first frame of an animation is used.
// - Decompression bombs are refused by the pixel limit, the library scanner's own
//   (DEFAULT_MAX_PIXELS), so training accepts exactly what the catalogue accepts.
// - Files libvips cannot read (BMP) arrive already decoded, as raw pixels.
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS } from '../../main/services/library/inspect-file.ts';

/** Largest input we accept, in pixels; larger files are skipped as decompression bombs. */
export const MAX_INPUT_PIXELS = DEFAULT_MAX_PIXELS;

/** Pixels decoded elsewhere (e.g. the library's BMP decoder), row-major, interleaved channels. */
export interface RawPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

export async function decodeToSquare(input: Uint8Array | RawPixels, side: number): Promise<Uint8Array> {
  const source =
    input instanceof Uint8Array
      ? sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
  const { data, info } = await source
    .rotate()
    .resize(side, side, { fit: 'cover', position: 'centre' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== side || info.height !== side || info.channels !== 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${side}×${side}×3`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
