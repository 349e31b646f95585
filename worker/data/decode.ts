// Decodes one image file's bytes with sharp into the square uint8 RGB source the
// pipeline trains on: [side, side, 3], row-major, channels last.
// - EXIF orientation is applied (`.rotate()` with no angle), so a phone photo is upright.
// - Grayscale (and CMYK, palette, 16-bit) becomes 8-bit sRGB with three channels.
// - Alpha is dropped (like PIL's convert('RGB'), which torchvision pipelines use).
// - Any format sharp reads works; the first frame of an animation is used.
// - Decompression bombs are refused by sharp's pixel limit (limitInputPixels).
import sharp from 'sharp';

/** Largest input we accept, in pixels (≈ 16k × 16k); larger files are skipped as bombs. */
export const MAX_INPUT_PIXELS = 268_402_689;

export async function decodeToSquare(bytes: Uint8Array, side: number): Promise<Uint8Array> {
  const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
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
