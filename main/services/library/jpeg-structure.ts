// Does a JPEG file run, marker by marker, all the way to its end-of-image marker? A
// cheap necessary condition for a complete file, used by the scanner to catalogue small
// JPEGs from their header without decoding them (inspect-file.ts): a truncated file —
// the common damage, from an interrupted copy or download — never reaches EOI.
//
// It is deliberately not a validator: when it answers false the scanner falls back to
// sharp's full decode, which decides (so a file libjpeg would still accept is never lost
// here); when it answers true, damage inside the compressed data or in tables read after
// the first scan can remain, and is found by the full decode the thumbnail pass does.
//
// The walk follows libjpeg's marker reader: bytes before a marker are skipped (libjpeg
// warns and skips them too), 0xFF fill bytes are skipped, segments carry a big-endian
// length that includes itself, standalone markers (SOI, RSTn, TEM) have none, and after
// a start-of-scan the entropy-coded data runs to the next 0xFF that is not followed by a
// stuffed 0x00, a restart marker or another 0xFF.

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;
const isRestart = (marker: number) => marker >= 0xd0 && marker <= 0xd7;

export function jpegReachesEnd(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return false;
  let i = 2;
  for (;;) {
    while (i < n && bytes[i] !== 0xff) i++; // stray bytes before a marker
    while (i < n && bytes[i] === 0xff) i++; // fill bytes
    if (i >= n) return false;
    const marker = bytes[i++]!;
    if (marker === EOI) return true;
    if (marker === 0x00 || marker === TEM || isRestart(marker)) continue;
    if (marker === SOI) return false; // a second start of image: libjpeg refuses it
    if (i + 2 > n) return false;
    const length = (bytes[i]! << 8) | bytes[i + 1]!;
    if (length < 2 || i + length > n) return false;
    i += length;
    if (marker === SOS) {
      i = endOfEntropyData(bytes, i);
      if (i < 0) return false;
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
