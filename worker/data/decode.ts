// Decodes one image file's bytes into the square uint8 RGB source the pipeline trains
// on: [side, side, 3], row-major, channels last.
//
// The image is opened by the library's own function (openImageBytes), with the
// library's pixel limit and damage tolerance, so training and embedding accept exactly
// the images the catalogue shows — BMP included (sharp cannot read it; the library's
// decoder hands it over as raw pixels), and images with harmless damage such as a wrong
// checksum over intact pixels. Then:
// - EXIF orientation is applied (`.rotate()` with no angle), so a phone photo is upright.
// - The image is resized to cover the square and centre-cropped (aspect kept).
// - Alpha is dropped (like PIL's convert('RGB'), which torchvision pipelines use).
// - Grayscale (and CMYK, palette, 16-bit) becomes 8-bit sRGB with three channels.
// - The first frame of an animation is used.
import { ACCEPTED_DAMAGE, openImageBytes } from '../../main/services/library/open-image.ts';
import { withDecoderReason } from '../../main/services/library/decoder-reason.ts';
import { DEFAULT_MAX_PIXELS } from '../../main/services/library/inspect-file.ts';
import type { DetectedFormat } from '../../main/services/library/detect-format.ts';

/** Largest input we accept, in pixels (the library's limit); larger files are skipped as decompression bombs. */
export const MAX_INPUT_PIXELS = DEFAULT_MAX_PIXELS;

/** `format`, when the caller has already recognised the content, saves detecting it again. */
export async function decodeToSquare(bytes: Uint8Array, side: number, format?: DetectedFormat): Promise<Uint8Array> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { data, info } = await withDecoderReason(() =>
    openImageBytes(buffer, { maxPixels: MAX_INPUT_PIXELS, failOn: ACCEPTED_DAMAGE, ...(format ? { format } : {}) })
      .rotate()
      .resize(side, side, { fit: 'cover', position: 'centre' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
  if (info.width !== side || info.height !== side || info.channels !== 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${side}×${side}×3`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
