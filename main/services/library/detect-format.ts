// Recognises image files by their first bytes ("magic numbers"), never by extension:
// a photo saved as .dat is still a photo, and a text file renamed .jpg is not.
// Only the formats the decoder (sharp/libvips) can read are accepted as images;
// BMP is recognised so the user is told why it is skipped.

export type DetectedFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heif' | 'bmp';

/** Bytes needed by detectFormat. */
export const MAGIC_BYTES = 32;

const ascii = (bytes: Uint8Array, start: number, text: string): boolean => {
  if (bytes.length < start + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** ISO-BMFF brands (the 'ftyp' box) of AVIF and of HEIF/HEIC still images. */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
/** BITMAPINFOHEADER sizes of the BMP variants in use (Windows 2.x … V5). */
const BMP_DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** Returns the image format the header announces, or null if it is not one we know. */
export function detectFormat(head: Uint8Array): DetectedFormat | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head[0] === 0x89 && ascii(head, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  // Little- and big-endian TIFF, and BigTIFF (version 43).
  if (ascii(head, 0, 'II') && ((head[2] === 42 && head[3] === 0) || (head[2] === 43 && head[3] === 0))) return 'tiff';
  if (ascii(head, 0, 'MM') && head[2] === 0 && (head[3] === 42 || head[3] === 43)) return 'tiff';
  if (ascii(head, 4, 'ftyp') && head.length >= 12) {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    if (AVIF_BRANDS.has(brand)) return 'avif';
    if (HEIF_BRANDS.has(brand)) return 'heif';
  }
  if (ascii(head, 0, 'BM') && head.length >= 18) {
    const dibSize = head[14]! | (head[15]! << 8) | (head[16]! << 16) | (head[17]! << 24);
    if (BMP_DIB_SIZES.has(dibSize)) return 'bmp';
  }
  return null;
}

/** A short description of common non-image content, for the skip reason. */
export function describeNonImage(head: Uint8Array): string {
  if (ascii(head, 0, '%PDF')) return 'a PDF document';
  if (ascii(head, 0, 'PK\x03\x04')) return 'a ZIP archive (or an Office document)';
  if (ascii(head, 4, 'ftyp')) return 'a video or another media file';
  if (ascii(head, 0, '<svg') || ascii(head, 0, '<?xml')) return 'a text/XML file (SVG drawings are not used)';
  if (looksLikeText(head)) return 'a text file';
  return 'a file of unknown type';
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    // Control characters other than tab, newline, carriage return mean binary.
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) return false;
  }
  return true;
}
