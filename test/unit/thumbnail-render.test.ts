// renderThumbnail is also the full decode check of images catalogued from their header:
// an image that does not decode is an outcome the catalogue records, while a failure to
// read the file or write the cache must stay an error — a full disk must never turn a
// user's images into "damaged" ones. Real files, real sharp.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { renderThumbnail } from '../../main/services/thumbnails/render-thumbnail.ts';
import { createTempDir, encodeJpegDamagedPastHeader, fixturePixels, writeImage, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let good: string;
let damaged: string;
before(async () => {
  tmp = await createTempDir('simclr-render-');
  good = await writeImage(path.join(tmp.path, 'good.jpg'), { width: 40, height: 30, format: 'jpeg', seed: 1 });
  damaged = path.join(tmp.path, 'damaged.jpg');
  await writeFile(damaged, await encodeJpegDamagedPastHeader({ width: 40, height: 30, seed: 2 }));
});
after(async () => {
  await tmp.remove();
});

/** A file that is gone has no size: `fileBytes` then says what the caller last saw. */
const job = (absPath: string, out: string, fileBytes = statSync(absPath).size) => ({ absPath, out, size: 16, maxPixels: 40 * 30 + 1, format: 'jpeg', fileBytes });

describe('renderThumbnail', () => {
  test('writes the thumbnail of an image that decodes', async () => {
    const out = path.join(tmp.path, 'good.webp');
    assert.deepEqual(await renderThumbnail(job(good, out)), { made: true });
    const meta = await sharp(await readFile(out)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 16, 12]);
  });

  test('an image that does not decode comes back as damage with the decoder reason, and nothing is written', async () => {
    const out = path.join(tmp.path, 'damaged.webp');
    assert.deepEqual(await renderThumbnail(job(damaged, out)), { made: false, damage: 'VipsJpeg: Quantization table 0x03 was not defined' });
    await assert.rejects(readFile(out), { code: 'ENOENT' });
  });

  test('a cache that cannot be written and a file that is gone are errors, not damage', async () => {
    await assert.rejects(renderThumbnail(job(good, path.join(tmp.path, 'no-such-folder', 'x.webp'))), { code: 'ENOENT' });
    await assert.rejects(renderThumbnail(job(path.join(tmp.path, 'gone.jpg'), path.join(tmp.path, 'gone.webp'), 1000)), { code: 'ENOENT' });
  });

  test('a file over 16 MB is decoded from its path, not read whole; its damage is still an outcome', async () => {
    // The bulk pass renders four at a time: whole files of any size held at once could
    // take gigabytes. 2,600 × 2,600 RGB as an uncompressed TIFF: about 20 MB.
    const side = 2600;
    const big = path.join(tmp.path, 'big.tif');
    await sharp(fixturePixels(side, side, 5), { raw: { width: side, height: side, channels: 3 } }).tiff({ compression: 'none' }).toFile(big);
    const { size } = await stat(big);
    assert.ok(size > 16 * 1024 * 1024, `the file is over the limit (${size} bytes)`);
    const bigJob = (absPath: string, out: string) => ({ absPath, out, size: 16, maxPixels: side * side + 1, format: 'tiff', fileBytes: statSync(absPath).size });
    // The file's bytes would show in the process's ArrayBuffer memory while the render runs.
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const probe = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    try {
      assert.deepEqual(await renderThumbnail(bigJob(big, path.join(tmp.path, 'big.webp'))), { made: true });
    } finally {
      clearInterval(probe);
    }
    assert.ok(peak - before < size / 2, `ArrayBuffer memory grew by ${peak - before} bytes rendering a ${size}-byte file`);

    const truncated = path.join(tmp.path, 'big-truncated.tif');
    await writeFile(truncated, (await readFile(big)).subarray(0, Math.floor(size * 0.9)));
    const outcome = await renderThumbnail(bigJob(truncated, path.join(tmp.path, 'big-truncated.webp')));
    assert.equal(outcome.made, false);
    assert.ok(!outcome.made && outcome.damage.length > 0, 'the decoder says why');
  });

  test('a file that grew past its catalogued pixel count is refused as an error', async () => {
    const grown = await writeImage(path.join(tmp.path, 'grown.png'), { width: 80, height: 80, format: 'png', seed: 3 });
    await assert.rejects(renderThumbnail({ ...job(grown, path.join(tmp.path, 'grown.webp')), format: 'png' }), /pixel limit/);
  });
});
