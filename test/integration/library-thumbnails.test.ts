// Thumbnails: real sharp output on disk, EXIF orientation applied, cached by content,
// refused for anything outside the dataset, made in bulk after a scan.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { ThumbnailError } from '../../main/services/thumbnails/thumbnail-service.ts';
import { thumbnailPath } from '../../main/services/thumbnails/thumbnail-cache.ts';
import { createTempDir, writeImage, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let studio: Studio;
let root: string;
let datasetId: number;
before(async () => {
  tmp = await createTempDir('simclr-thumbs-');
  root = path.join(tmp.path, 'pics');
  await writeLabelledFolder(root, { classes: { a: 5 }, size: 48 });
  await writeImage(path.join(root, 'wide.jpg'), { width: 600, height: 300, format: 'jpeg', seed: 70 });
  // Stored 40 wide and 20 high, with EXIF orientation 6 ("rotate 90° clockwise to view").
  await writeImage(path.join(root, 'portrait.jpg'), { width: 40, height: 20, format: 'jpeg', seed: 71, orientation: 6 });
  await writeFile(path.join(root, 'notes.jpg'), 'text, not an image');
  await writeImage(path.join(tmp.path, 'private.png'), { seed: 72 });
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false });
  datasetId = (await studio.api.addDataset({ path: root })).datasetId;
  // The link is made after the scan: the scanner would have skipped it, but a crafted
  // request could still name it.
  await symlink(path.join(tmp.path, 'private.png'), path.join(root, 'sneaky.png'));
});
after(async () => {
  await studio.close();
  await tmp.remove();
});

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (e: Error) => e instanceof ThumbnailError && e.code === code && e.message.length > 0);

describe('thumbnailFile', () => {
  test('makes a webp no larger than 256 px inside <dataDir>/thumbnails', async () => {
    const thumb = await studio.thumbnails.thumbnailFile(datasetId, 'wide.jpg');
    assert.equal(thumb.contentType, 'image/webp');
    assert.ok(thumb.path.startsWith(path.join(studio.dataDir, 'thumbnails') + path.sep));
    const meta = await sharp(thumb.path).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 256, 128]);
  });

  test('applies the EXIF orientation, so the thumbnail is upright', async () => {
    const thumb = await studio.thumbnails.thumbnailFile(datasetId, 'portrait.jpg');
    const meta = await sharp(thumb.path).metadata();
    assert.deepEqual([meta.width, meta.height], [20, 40]);
    const page = await studio.api.listImages({ datasetId, offset: 0, limit: 50 });
    const row = page.images.find((i) => i.relPath === 'portrait.jpg');
    assert.deepEqual([row?.width, row?.height], [20, 40], 'the catalogue stores the displayed size');
  });

  test('is cached: a second request returns the same file without rewriting it', async () => {
    const first = await studio.thumbnails.thumbnailFile(datasetId, 'a/a-0.png');
    const before = await stat(first.path);
    const [second, third] = await Promise.all([studio.thumbnails.thumbnailFile(datasetId, 'a/a-0.png'), studio.thumbnails.thumbnailFile(datasetId, 'a/a-0.png')]);
    assert.equal(second.path, first.path);
    assert.equal(third.path, first.path);
    assert.equal((await stat(first.path)).mtimeMs, before.mtimeMs);
  });

  test("refuses '..', absolute paths and symlinks leading out of the dataset", async () => {
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, '../private.png'), 'invalid-path');
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, path.join(tmp.path, 'private.png')), 'invalid-path');
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, 'sneaky.png'), 'invalid-path');
  });

  test('an unknown dataset, a missing file and a skipped file are not-found', async () => {
    await rejectsWith(studio.thumbnails.thumbnailFile(999, 'a/a-0.png'), 'not-found');
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, 'a/nope.png'), 'not-found');
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, 'notes.jpg'), 'not-found');
  });

  test('a file changed since the scan is reported, not cached under the old content', async () => {
    const file = path.join(root, 'a', 'a-4.png');
    await writeImage(file, { seed: 99, width: 30 });
    const later = new Date(Date.now() + 10_000);
    await utimes(file, later, later);
    await rejectsWith(studio.thumbnails.thumbnailFile(datasetId, 'a/a-4.png'), 'changed');
    await studio.api.rescanDataset({ datasetId });
    const thumb = await studio.thumbnails.thumbnailFile(datasetId, 'a/a-4.png');
    assert.equal((await sharp(thumb.path).metadata()).width, 30);
  });
});

describe('prefetchDataset', () => {
  test('makes every missing thumbnail once', async () => {
    const made = await studio.thumbnails.prefetchDataset(datasetId);
    const page = await studio.api.listImages({ datasetId, offset: 0, limit: 50 });
    const already = 4; // wide, portrait, a-0, a-4 were made above
    assert.equal(made, page.total - already);
    assert.equal(await studio.thumbnails.prefetchDataset(datasetId), 0);
    const shards = await readdir(path.join(studio.dataDir, 'thumbnails'));
    let files = 0;
    for (const shard of shards) files += (await readdir(path.join(studio.dataDir, 'thumbnails', shard))).filter((f) => f.endsWith('.webp')).length;
    assert.equal(files, page.total);
  });

  test('makes nothing for a catalogued file that became a link out of the dataset, even with the same bytes and time', async () => {
    // Bulk jobs look at the cache before resolving the file: a miss must still resolve it
    // and refuse the escape. Moving the file out keeps its size and mtime, so only the
    // path check can refuse it.
    const swapRoot = path.join(tmp.path, 'swap');
    await mkdir(swapRoot);
    await writeImage(path.join(swapRoot, 'x.png'), { seed: 73 });
    const swapId = (await studio.api.addDataset({ path: swapRoot })).datasetId;
    await rename(path.join(swapRoot, 'x.png'), path.join(tmp.path, 'outside-x.png'));
    await symlink(path.join(tmp.path, 'outside-x.png'), path.join(swapRoot, 'x.png'));
    const hash = createHash('sha256').update(await readFile(path.join(tmp.path, 'outside-x.png'))).digest('hex');
    assert.equal(await studio.thumbnails.prefetchDataset(swapId), 0);
    await assert.rejects(stat(thumbnailPath(path.join(studio.dataDir, 'thumbnails'), hash, studio.thumbnails.size)), { code: 'ENOENT' });
    await rejectsWith(studio.thumbnails.thumbnailFile(swapId, 'x.png'), 'invalid-path');
    await studio.api.removeDataset({ datasetId: swapId });
  });
});

// After prefetchDataset, which counts every file in the cache.
describe('every accepted format', () => {
  test('jpeg, png, webp, gif, tiff and avif are catalogued by content and thumbnailed', async () => {
    const formats = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
    const folder = path.join(tmp.path, 'formats');
    for (const [i, format] of formats.entries()) await writeImage(path.join(folder, `image-${i}.bin`), { width: 24, height: 12, format, seed: 300 + i });
    const result = await studio.api.addDataset({ path: folder });
    assert.deepEqual(result.skipped, []);
    const page = await studio.api.listImages({ datasetId: result.datasetId, offset: 0, limit: 10 });
    assert.deepEqual(page.images.map((i) => i.format), [...formats]);
    for (const image of page.images) {
      const thumb = await studio.thumbnails.thumbnailFile(result.datasetId, image.relPath);
      const meta = await sharp(thumb.path).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 24, 12], image.format);
    }
  });
});
