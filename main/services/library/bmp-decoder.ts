// A decoder for Windows BMP files, which libvips (and so sharp) as shipped cannot read.
// Handles what cameras, scanners and old datasets actually contain: uncompressed
// 1/4/8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit (BI_RGB or
// BI_BITFIELDS), bottom-up or top-down rows. RLE-compressed BMPs are refused by name.
// Output is raw interleaved pixels that sharp reads with { raw: { width, height, channels } }.

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export class BmpError extends Error {
  override name = 'BmpError';
}

export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  compression: number;
  topDown: boolean;
  pixelOffset: number;
  headerSize: number;
  paletteSize: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** Reads the file and info headers (BITMAPFILEHEADER + BITMAPCOREHEADER/INFOHEADER/V4/V5). */
export function readBmpHeader(buf: Buffer): BmpHeader {
  if (buf.length < 26 || buf.toString('ascii', 0, 2) !== 'BM') throw new BmpError('not a BMP file');
  const pixelOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries (handled as 8-bit palette below).
    const width = buf.readUInt16LE(18);
    const height = buf.readUInt16LE(20);
    if (width === 0 || height === 0) throw impossibleSize(width, height);
    return { width, height, bitsPerPixel: buf.readUInt16LE(24), compression: BI_RGB, topDown: false, pixelOffset, headerSize, paletteSize: 0 };
  }
  if (buf.length < 54) throw new BmpError('the BMP header is incomplete');
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bitsPerPixel = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const paletteSize = buf.readUInt32LE(46);
  if (width <= 0 || rawHeight === 0) throw impossibleSize(width, rawHeight);
  return { width, height: Math.abs(rawHeight), bitsPerPixel, compression, topDown: rawHeight < 0, pixelOffset, headerSize, paletteSize };
}

/** A BMP with no pixels (or a negative width) is damaged: sharp and the grid need at least 1×1. */
function impossibleSize(width: number, height: number): BmpError {
  return new BmpError(`the BMP header gives an impossible size (${width}×${height})`);
}

/** Decodes a whole BMP; throws BmpError naming what is wrong or unsupported. */
export function decodeBmp(buf: Buffer, maxPixels = Number.POSITIVE_INFINITY): RawImage {
  const h = readBmpHeader(buf);
  if (h.width * h.height > maxPixels) throw new BmpError(`Input image exceeds pixel limit (${h.width}×${h.height})`);
  const { width, height, bitsPerPixel: bpp } = h;
  if (h.compression !== BI_RGB && h.compression !== BI_BITFIELDS && h.compression !== BI_ALPHABITFIELDS) {
    throw new BmpError(`compressed BMP (compression type ${h.compression}) is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError(`BMP with ${bpp} bits per pixel is not supported`);
  const rowBytes = Math.ceil((width * bpp) / 32) * 4; // rows are padded to 4 bytes
  if (h.pixelOffset + rowBytes * height > buf.length) throw new BmpError('the BMP file is truncated (its pixel rows are incomplete)');

  const masks = bitMasks(buf, h);
  const hasAlpha = bpp === 32 && masks.a !== 0;
  // Each mask's shift and range, found once here rather than for every pixel.
  const [r, g, b, a] = [masks.r, masks.g, masks.b, masks.a].map(maskField) as [MaskField, MaskField, MaskField, MaskField];
  const channels: 3 | 4 = hasAlpha ? 4 : 3;
  const out = Buffer.alloc(width * height * channels);
  const palette = bpp <= 8 ? readPalette(buf, h) : null;

  for (let y = 0; y < height; y++) {
    const srcRow = h.pixelOffset + (h.topDown ? y : height - 1 - y) * rowBytes;
    let o = y * width * channels;
    for (let x = 0; x < width; x++, o += channels) {
      if (palette) {
        const bitIndex = x * bpp;
        const byte = buf[srcRow + (bitIndex >> 3)]!;
        const index = (byte >> (8 - bpp - (bitIndex & 7))) & ((1 << bpp) - 1);
        const p = (index % (palette.length / 3)) * 3; // an index past the palette's end is clamped, as viewers do
        out[o] = palette[p]!;
        out[o + 1] = palette[p + 1]!;
        out[o + 2] = palette[p + 2]!;
      } else if (bpp === 24) {
        const s = srcRow + x * 3;
        out[o] = buf[s + 2]!; // stored as B, G, R
        out[o + 1] = buf[s + 1]!;
        out[o + 2] = buf[s]!;
      } else {
        const value = bpp === 16 ? buf.readUInt16LE(srcRow + x * 2) : buf.readUInt32LE(srcRow + x * 4);
        out[o] = scaleMasked(value, r);
        out[o + 1] = scaleMasked(value, g);
        out[o + 2] = scaleMasked(value, b);
        if (hasAlpha) out[o + 3] = scaleMasked(value, a);
      }
    }
  }
  return { data: out, width, height, channels };
}

function bitMasks(buf: Buffer, h: BmpHeader): { r: number; g: number; b: number; a: number } {
  if (h.compression === BI_BITFIELDS || h.compression === BI_ALPHABITFIELDS) {
    // Masks follow a 40-byte header, or sit inside a V4/V5 header at the same offsets.
    const at = 14 + 40;
    if (buf.length < at + 12) throw new BmpError('the BMP colour masks are missing');
    const a = h.compression === BI_ALPHABITFIELDS || h.headerSize >= 56 ? buf.readUInt32LE(at + 12) : 0;
    return { r: buf.readUInt32LE(at), g: buf.readUInt32LE(at + 4), b: buf.readUInt32LE(at + 8), a };
  }
  if (h.bitsPerPixel === 16) return { r: 0x7c00, g: 0x03e0, b: 0x001f, a: 0 };
  // BI_RGB 32-bit: the fourth byte is unused in the format, not alpha.
  return { r: 0x00ff0000, g: 0x0000ff00, b: 0x000000ff, a: 0 };
}

/** A colour mask with the position of its lowest bit and its largest value (`max` 0: no such channel). */
interface MaskField {
  mask: number;
  shift: number;
  max: number;
}

function maskField(mask: number): MaskField {
  if (mask === 0) return { mask, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask, shift, max: mask >>> shift };
}

/** Extracts the bits of `field.mask` from `value` and scales them to 0–255. */
function scaleMasked(value: number, field: MaskField): number {
  if (field.max === 0) return 0;
  return Math.round((((value & field.mask) >>> field.shift) * 255) / field.max);
}

/** The palette as RGB triples (stored as B, G, R, reserved; 3 bytes per entry in OS/2 files). */
function readPalette(buf: Buffer, h: BmpHeader): Uint8Array {
  const entries = h.paletteSize || 1 << h.bitsPerPixel;
  const entryBytes = h.headerSize === 12 ? 3 : 4;
  const start = 14 + h.headerSize;
  if (start + entries * entryBytes > buf.length) throw new BmpError('the BMP palette is truncated');
  const rgb = new Uint8Array(entries * 3);
  for (let i = 0; i < entries; i++) {
    const s = start + i * entryBytes;
    rgb[i * 3] = buf[s + 2]!;
    rgb[i * 3 + 1] = buf[s + 1]!;
    rgb[i * 3 + 2] = buf[s]!;
  }
  return rgb;
}
