// Does a small JPEG or PNG file run intact, piece by piece, to its end marker? The
// scanner uses it to catalogue such a file from its header without decoding it
// (inspect-file.ts, deferDecode): a truncated file — the common damage, from an
// interrupted copy or download — never reaches its end.
//
// It is deliberately not a validator: when it finds a problem the scanner falls back to
// sharp's full decode, which decides (so a file the decoder would still accept is never
// lost here; the problem only words the reason if the decode fails too); when it finds
// none, damage that leaves the structure intact can remain,
// and is found by the full decode the thumbnail pass does. For PNG that is almost
// nothing, since every chunk carries a CRC; for JPEG, which has none, it is damage
// inside the compressed data or in tables read after the first scan.

import { crc32 } from 'node:zlib';

/**
 * For a JPEG or PNG (a whole file in `bytes`): null if it runs intact to its end marker,
 * else why not, in words for the skip reason. Other formats are not walked: undefined.
 */
export function structureProblem(format: string, bytes: Uint8Array): string | null | undefined {
  if (format === 'jpeg') return jpegProblem(bytes);
  if (format === 'png') return pngProblem(bytes);
  return undefined;
}

// JPEG: the walk follows libjpeg's marker reader. Bytes before a marker are skipped
// (libjpeg warns and skips them too), 0xFF fill bytes are skipped, segments carry a
// big-endian length that includes itself, standalone markers (SOI, RSTn, TEM) have none,
// and after a start-of-scan the entropy-coded data runs to the next 0xFF that is not
// followed by a stuffed 0x00, a restart marker or another 0xFF.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;
const isRestart = (marker: number) => marker >= 0xd0 && marker <= 0xd7;

const JPEG_ENDS_EARLY = 'the file ends before its end-of-image marker';

function jpegProblem(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return 'it does not start with a JPEG start-of-image marker';
  let i = 2;
  for (;;) {
    while (i < n && bytes[i] !== 0xff) i++; // stray bytes before a marker
    while (i < n && bytes[i] === 0xff) i++; // fill bytes
    if (i >= n) return JPEG_ENDS_EARLY;
    const marker = bytes[i++]!;
    if (marker === EOI) return null;
    if (marker === 0x00 || marker === TEM || isRestart(marker)) continue;
    if (marker === SOI) return 'it has a second start-of-image marker'; // libjpeg refuses it
    if (i + 2 > n) return JPEG_ENDS_EARLY;
    const length = (bytes[i]! << 8) | bytes[i + 1]!;
    if (length < 2) return 'a segment has an impossible length';
    if (i + length > n) return JPEG_ENDS_EARLY;
    i += length;
    if (marker === SOS) {
      i = endOfEntropyData(bytes, i);
      if (i < 0) return JPEG_ENDS_EARLY;
    }
  }
}

/** Index of the 0xFF that starts the marker ending a scan's compressed data; -1 if the file ends first. */
function endOfEntropyData(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let i = start;
  for (;;) {
    while (i < n && bytes[i] !== 0xff) i++;
    let next = i;
    while (next < n && bytes[next] === 0xff) next++;
    if (next >= n) return -1;
    const byte = bytes[next]!;
    if (byte !== 0x00 && !isRestart(byte)) return i;
    i = next + 1; // a stuffed zero or a restart marker: still inside the scan
  }
}

// PNG: the 8-byte signature, then chunks of length (4 bytes, big-endian, < 2^31), type
// (4), data and a CRC-32 of type + data (4), up to IEND. A chunk whose CRC is wrong is a
// problem: the decoder then decides (libpng tolerates a wrong CRC in some chunks).
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND = 0x49454e44;

const PNG_ENDS_EARLY = 'the file ends before its IEND chunk';

function pngProblem(bytes: Uint8Array): string | null {
  if (bytes.length < 8 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) return 'it does not start with the PNG signature';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 8;
  while (i + 12 <= bytes.length) {
    const length = view.getUint32(i);
    if (length > 0x7fffffff) return 'a chunk has an impossible length';
    if (i + 12 + length > bytes.length) return PNG_ENDS_EARLY;
    if (crc32(bytes.subarray(i + 4, i + 8 + length)) !== view.getUint32(i + 8 + length)) {
      return `the checksum (CRC) of its ${Buffer.from(bytes.subarray(i + 4, i + 8)).toString('latin1')} chunk is wrong`;
    }
    if (view.getUint32(i + 4) === IEND) return null;
    i += 12 + length;
  }
  return PNG_ENDS_EARLY;
}
