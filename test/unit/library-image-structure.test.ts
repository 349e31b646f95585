// structureProblem: the structure walk that lets the scanner catalogue a small JPEG or PNG from
// its header. Its one promise is that a file which does not run intact to its end marker
// is never let through (a truncated copy is the common damage); every case is a real file
// written by sharp, and sharp's own decoder is asked about the same bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { ACCEPTED_DAMAGE } from '../../main/services/library/open-image.ts';
import { structureProblem } from '../../main/services/library/image-structure.ts';

/** The file runs intact to its end marker (structureProblem finds nothing). */
const jpegReachesEnd = (bytes: Uint8Array) => structureProblem('jpeg', bytes) === null;
const pngReachesEnd = (bytes: Uint8Array) => structureProblem('png', bytes) === null;
const reachesEnd = (format: string, bytes: Uint8Array) => structureProblem(format, bytes) === null;
import { encodeImage, encodeJpegDamagedPastHeader, encodePngDamagedPastStructure, fixturePixels } from '../helpers/image-fixtures.ts';

async function jpeg(options: { width: number; height: number; seed: number; progressive?: boolean; gray?: boolean }): Promise<Buffer> {
  const raw = fixturePixels(options.width, options.height, options.seed);
  let image = sharp(raw, { raw: { width: options.width, height: options.height, channels: 3 } });
  if (options.gray) image = image.grayscale();
  return image.jpeg({ progressive: options.progressive ?? false, quality: 90 }).toBuffer();
}

async function sharpDecodes(bytes: Buffer): Promise<boolean> {
  try {
    await sharp(bytes, { failOn: ACCEPTED_DAMAGE }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}

/** A stuffed zero (0xFF 0x00) inside the compressed data: the walk must not stop there. */
function hasStuffedZero(bytes: Buffer): boolean {
  const sos = bytes.indexOf(Buffer.from([0xff, 0xda]));
  return sos > 0 && bytes.indexOf(Buffer.from([0xff, 0x00]), sos + 2) > 0;
}

describe('jpegReachesEnd', () => {
  test('complete baseline, progressive, grayscale and EXIF-oriented JPEGs reach their end', async () => {
    const files = [
      await jpeg({ width: 64, height: 64, seed: 1 }),
      await jpeg({ width: 64, height: 48, seed: 2, progressive: true }),
      await jpeg({ width: 33, height: 17, seed: 3, gray: true }),
      await jpeg({ width: 200, height: 120, seed: 4, progressive: true, gray: true }),
      await encodeImage({ width: 30, height: 20, format: 'jpeg', orientation: 6, seed: 5 }),
    ];
    assert.ok(files.some(hasStuffedZero), 'at least one file has 0xFF 0x00 stuffing in its compressed data');
    for (const [i, bytes] of files.entries()) assert.equal(jpegReachesEnd(bytes), true, `file ${i}`);
  });

  test('every truncation of a baseline and a progressive JPEG is refused, as sharp refuses it', async () => {
    for (const progressive of [false, true]) {
      const whole = await jpeg({ width: 48, height: 40, seed: 7, progressive });
      for (let length = 0; length < whole.length; length++) {
        const cut = whole.subarray(0, length);
        assert.equal(jpegReachesEnd(cut), false, `${progressive ? 'progressive' : 'baseline'} cut to ${length} of ${whole.length} bytes`);
      }
      // sharp agrees on a sample of the cuts (each costs a decode).
      for (const fraction of [0.3, 0.6, 0.9]) assert.equal(await sharpDecodes(whole.subarray(0, Math.floor(whole.length * fraction))), false);
    }
  });

  test('bytes after the end marker, and stray bytes before a marker, are skipped as libjpeg skips them', async () => {
    const whole = await jpeg({ width: 32, height: 32, seed: 9 });
    const trailing = Buffer.concat([whole, Buffer.from('trailing text after the image')]);
    assert.equal(jpegReachesEnd(trailing), true);
    assert.equal(await sharpDecodes(trailing), true);
    // Stray bytes between the first segment and the next marker: libjpeg warns and reads on.
    const firstSegmentEnd = 4 + whole.readUInt16BE(4);
    const stray = Buffer.concat([whole.subarray(0, firstSegmentEnd), Buffer.from([0x12, 0x34, 0x56]), whole.subarray(firstSegmentEnd)]);
    assert.equal(jpegReachesEnd(stray), true);
    assert.equal(await sharpDecodes(stray), true);
  });

  test('a segment longer than the file, a second start of image, and non-JPEG bytes are refused', async () => {
    const whole = await jpeg({ width: 32, height: 32, seed: 11 });
    const longSegment = Buffer.from(whole);
    longSegment.writeUInt16BE(0xfff0, 4); // the first segment claims 65,520 bytes
    assert.equal(jpegReachesEnd(longSegment), false);
    const twoStarts = Buffer.concat([whole.subarray(0, 2), whole]);
    assert.equal(jpegReachesEnd(twoStarts), false);
    assert.equal(await sharpDecodes(twoStarts), false);
    assert.equal(jpegReachesEnd(Buffer.alloc(0)), false);
    assert.equal(jpegReachesEnd(Buffer.from([0xff, 0xd8, 0xff, 0xd9])), true, 'SOI + EOI is structurally complete (sharp then refuses its header)');
    assert.equal(jpegReachesEnd(await encodeImage({ width: 8, height: 8, format: 'png' })), false);
  });

  test('damage the walk cannot see is left to the full decode: a table used but never defined', async () => {
    const damaged = await encodeJpegDamagedPastHeader({ width: 24, height: 16, seed: 13 });
    assert.equal(jpegReachesEnd(damaged), true);
    assert.equal((await sharp(damaged).metadata()).width, 24, 'its header reads');
    assert.equal(await sharpDecodes(damaged), false, 'the full decode refuses it');
  });
});

describe('pngReachesEnd', () => {
  const png = (width: number, height: number, channels: 1 | 3 | 4, palette = false) =>
    sharp(Buffer.from(Array.from({ length: width * height * channels }, (_, i) => (i * 37 + (i >> 5) * 11) & 0xff)), { raw: { width, height, channels } }).png({ palette }).toBuffer();

  test('complete gray, RGB, RGBA and palette PNGs reach IEND, and only JPEG and PNG are walked', async () => {
    for (const bytes of [await png(16, 16, 1), await png(64, 64, 3), await png(33, 20, 4), await png(24, 24, 3, true)]) {
      assert.equal(pngReachesEnd(bytes), true);
      assert.equal(reachesEnd('png', bytes), true);
      assert.equal(reachesEnd('webp', bytes), false, 'other formats are always decoded');
    }
  });

  test('every truncation, a missing IEND and any damaged byte are refused (each chunk has a CRC)', async () => {
    const whole = await png(40, 30, 3);
    for (let length = 0; length < whole.length; length++) assert.equal(pngReachesEnd(whole.subarray(0, length)), false, `cut to ${length} of ${whole.length} bytes`);
    assert.equal(pngReachesEnd(whole.subarray(0, whole.length - 12)), false, 'no IEND chunk');
    for (let at = 8; at < whole.length; at += 7) {
      const damaged = Buffer.from(whole);
      damaged[at] = damaged[at]! ^ 0x10;
      assert.equal(pngReachesEnd(damaged), false, `byte ${at} changed`);
    }
  });

  test('a PNG whose chunks are whole and whose CRCs are right, but whose pixels do not inflate, is left to the full decode', async () => {
    const damaged = await encodePngDamagedPastStructure({ width: 24, height: 16, seed: 5 });
    assert.equal(pngReachesEnd(damaged), true);
    assert.equal(await sharpDecodes(damaged), false);
  });
});

describe('structureProblem', () => {
  test('says why a file is not intact, in words for the skip reason; null when it is; undefined for formats it does not walk', async () => {
    const jpeg = await encodeImage({ width: 32, height: 24, format: 'jpeg', seed: 21 });
    const png = await encodeImage({ width: 32, height: 24, format: 'png', seed: 22 });
    assert.equal(structureProblem('jpeg', jpeg), null);
    assert.equal(structureProblem('png', png), null);
    assert.equal(structureProblem('jpeg', jpeg.subarray(0, jpeg.length >> 1)), 'the file ends before its end-of-image marker');
    assert.equal(structureProblem('jpeg', Buffer.concat([jpeg.subarray(0, 2), jpeg])), 'it has a second start-of-image marker');
    assert.equal(structureProblem('png', png.subarray(0, png.length - 12)), 'the file ends before its IEND chunk');
    const badCrc = Buffer.from(png);
    badCrc[png.indexOf(Buffer.from('IDAT', 'latin1')) + 6]! ^= 0x01;
    assert.equal(structureProblem('png', badCrc), 'the checksum (CRC) of its IDAT chunk is wrong');
    assert.equal(structureProblem('webp', jpeg), undefined);
  });
});
