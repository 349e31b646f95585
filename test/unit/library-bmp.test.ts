// The BMP decoder against BMP files written independently by the test helper, and
// BMPs through the scanner and the thumbnails (sharp cannot read BMP by itself).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeBmp, BmpError } from '../../main/services/library/bmp-decoder.ts';
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
