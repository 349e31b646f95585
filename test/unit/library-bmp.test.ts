// The BMP decoder against BMP files written independently by the test helper, and
// BMPs through the scanner and the thumbnails (sharp cannot read BMP by itself).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeBmp, readBmpHeader, BmpError } from '../../main/services/library/bmp-decoder.ts';
import { createStudio } from '../../main/services/studio.ts';
import { createTempDir, encodeBmp, fixturePixels, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-bmp-');
});
after(async () => {
  await tmp.remove();
});

describe('decodeBmp', () => {
  const width = 7; // odd: rows need padding
  const height = 5;
  const rgb = fixturePixels(width, height, 3);

  test('24-bit bottom-up gives back the exact pixels', () => {
    const raw = decodeBmp(encodeBmp(rgb, width, height, 'rgb24'));
    assert.deepEqual([raw.width, raw.height, raw.channels], [width, height, 3]);
    assert.deepEqual(raw.data, rgb);
  });

  test('32-bit top-down with bit fields keeps the alpha channel', () => {
    const raw = decodeBmp(encodeBmp(rgb, width, height, 'bgra32-topdown'));
    assert.equal(raw.channels, 4);
    for (let i = 0; i < width * height; i++) {
      assert.deepEqual([...raw.data.subarray(i * 4, i * 4 + 3)], [...rgb.subarray(i * 3, i * 3 + 3)]);
    }
    assert.equal(raw.data[3], 0, 'alpha ramp starts at 0');
    assert.equal(raw.data[(width - 1) * 4 + 3], 255, 'and ends at 255');
  });

  test('8-bit palette images map through the palette', () => {
    const raw = decodeBmp(encodeBmp(rgb, width, height, 'gray8'));
    for (let i = 0; i < width * height; i++) assert.equal(raw.data[i * 3 + 1], rgb[i * 3]);
  });

  test('truncated, compressed and oversized BMPs are refused by name', () => {
    const full = encodeBmp(rgb, width, height, 'rgb24');
    assert.throws(() => decodeBmp(full.subarray(0, full.length - 10)), (e: Error) => e instanceof BmpError && /truncated/.test(e.message));
    const rle = Buffer.from(full);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    assert.throws(() => decodeBmp(rle), /compressed BMP .* not supported/);
    assert.throws(() => decodeBmp(full, 10), /pixel limit/);
  });
});

/**
 * An OS/2 (BITMAPCOREHEADER, 12-byte header, 16-bit sizes) 24-bit BMP, bottom-up, whose
 * header claims `width`×`height`; the pixel rows are those of `rgb` ([rows, width, 3],
 * top row first), which may be empty. The test helper writes only Windows headers.
 */
function encodeOs2Bmp(rgb: Buffer, width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const rows = rgb.length / (width * 3 || 1);
  const pixelOffset = 14 + 12;
  const buf = Buffer.alloc(pixelOffset + rowBytes * rows);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(pixelOffset, 10);
  buf.writeUInt32LE(12, 14);
  buf.writeUInt16LE(width, 18);
  buf.writeUInt16LE(height, 20);
  buf.writeUInt16LE(1, 22); // planes
  buf.writeUInt16LE(24, 24);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = pixelOffset + (rows - 1 - y) * rowBytes + x * 3;
      [buf[d], buf[d + 1], buf[d + 2]] = [rgb[s + 2]!, rgb[s + 1]!, rgb[s]!];
    }
  }
  return buf;
}

describe('BMPs with no pixels', () => {
  const impossible = (size: string) => (e: Error) => e instanceof BmpError && e.message === `the BMP header gives an impossible size (${size})`;

  test('an OS/2 header decodes when it has a size, and is refused as impossible at 0×0, 0×N or N×0', () => {
    const rgb = fixturePixels(3, 2, 5);
    const raw = decodeBmp(encodeOs2Bmp(rgb, 3, 2));
    assert.deepEqual([raw.width, raw.height, raw.channels], [3, 2, 3]);
    assert.deepEqual(raw.data, rgb);
    assert.throws(() => readBmpHeader(encodeOs2Bmp(Buffer.alloc(0), 0, 0)), impossible('0×0'));
    assert.throws(() => decodeBmp(encodeOs2Bmp(Buffer.alloc(0), 0, 0)), impossible('0×0'));
    assert.throws(() => decodeBmp(encodeOs2Bmp(Buffer.alloc(0), 0, 4)), impossible('0×4'));
    assert.throws(() => decodeBmp(encodeOs2Bmp(Buffer.alloc(0), 4, 0)), impossible('4×0'));
  });

  test('a Windows header with zero or negative width, or zero height, is refused the same way', () => {
    const good = encodeBmp(fixturePixels(4, 3, 6), 4, 3, 'rgb24');
    const withSize = (width: number, height: number) => {
      const bmp = Buffer.from(good);
      bmp.writeInt32LE(width, 18);
      bmp.writeInt32LE(height, 22);
      return bmp;
    };
    assert.deepEqual([readBmpHeader(withSize(4, -3)).height, readBmpHeader(withSize(4, -3)).topDown], [3, true]);
    assert.throws(() => decodeBmp(withSize(0, 0)), impossible('0×0'));
    assert.throws(() => decodeBmp(withSize(0, 3)), impossible('0×3'));
    assert.throws(() => decodeBmp(withSize(4, 0)), impossible('4×0'));
    assert.throws(() => decodeBmp(withSize(-4, 3)), impossible('-4×3'));
  });

  test('are skipped by the scanner as damaged, naming the file and the reason', async () => {
    const { inspectFile } = await import('../../main/services/library/inspect-file.ts');
    const file = path.join(tmp.path, 'empty-os2.bmp');
    await writeFile(file, encodeOs2Bmp(Buffer.alloc(0), 0, 0));
    const result = await inspectFile(file, 'empty-os2.bmp', { maxPixels: 1_000_000 });
    assert.match(result.kind === 'skipped' ? result.reason : '', /'empty-os2\.bmp' looks like a BMP image but is damaged or incomplete.*impossible size \(0×0\)/);
  });
});

describe('BMP files in the library', () => {
  test('are catalogued by content and get thumbnails', async () => {
    const root = path.join(tmp.path, 'bitmaps');
    await mkdir(root);
    await writeFile(path.join(root, 'scan.bmp'), encodeBmp(fixturePixels(40, 30, 1), 40, 30, 'rgb24'));
    await writeFile(path.join(root, 'no-extension'), encodeBmp(fixturePixels(20, 10, 2), 20, 10, 'bgra32-topdown'));
    const studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false });
    try {
      const result = await studio.api.addDataset({ path: root });
      assert.deepEqual(result.skipped, []);
      const page = await studio.api.listImages({ datasetId: result.datasetId, offset: 0, limit: 10 });
      assert.deepEqual(
        page.images.map((i) => [i.relPath, i.format, i.width, i.height]),
        [
          ['no-extension', 'bmp', 20, 10],
          ['scan.bmp', 'bmp', 40, 30],
        ],
      );
      const thumb = await studio.thumbnails.thumbnailFile(result.datasetId, 'scan.bmp');
      const meta = await sharp(thumb.path).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 40, 30]);
    } finally {
      await studio.close();
    }
  });
});

describe('openImageBytes', () => {
  test('opens BMP and PNG bytes alike as sharp pipelines', async () => {
    const { openImageBytes } = await import('../../main/services/library/open-image.ts');
    const rgb = fixturePixels(6, 4, 9);
    const fromBmp = await openImageBytes(encodeBmp(rgb, 6, 4), { maxPixels: 100 }).raw().toBuffer();
    assert.deepEqual(fromBmp, rgb);
    const png = await sharp(rgb, { raw: { width: 6, height: 4, channels: 3 } }).png().toBuffer();
    assert.deepEqual(await openImageBytes(png, { maxPixels: 100 }).raw().toBuffer(), rgb);
    assert.throws(() => openImageBytes(encodeBmp(rgb, 6, 4), { maxPixels: 10 }), /pixel limit/);
  });
});
