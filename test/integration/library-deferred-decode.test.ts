// The app's scan catalogues a small intact JPEG from its header and leaves the full
// decode to the thumbnail pass that follows every scan (deferDecode). These tests
// hold it to the promise that makes that safe: once the thumbnails are made, the
// catalogue is exactly what a scan that decodes every file gives — same images, same
// skipped files, same reasons — whether the damage is found by the bulk pass, by a
// thumbnail asked for on screen, or by the pass the next start of the app resumes.
// Real studio, real SQLite file, real image worker thread, real sharp.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanResult, SkippedFile } from '../../main/api/contract.ts';
import { createStudio, type Studio, type StudioOptions } from '../../main/services/studio.ts';
import { ThumbnailError } from '../../main/services/thumbnails/thumbnail-service.ts';
import { createTempDir, encodeImage, encodeJpegDamagedPastHeader, encodePngDamagedPastStructure, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let root: string;
/** The catalogue of a studio that decodes every file during the scan: the reference. */
let reference: { scan: ScanResult; skipped: SkippedFile[]; images: string[] };

const DAMAGED = ['late/damaged-1.jpg', 'late/damaged-2.jpg', 'late/damaged-3.png'];
/** The same bytes as damaged-1.jpg: its thumbnail job is joined, not made twice, and it must be marked too. */
const DAMAGED_COPY = 'late/damaged-1-copy.jpg';
const TRUNCATED = 'late/truncated.jpg';

const open = (dataDir: string, options: Partial<StudioOptions> = {}) => createStudio({ dataDir: path.join(tmp.path, dataDir), transport: 'web', ...options });

async function catalogueOf(studio: Studio, datasetId: number) {
  const page = await studio.api.listImages({ datasetId, offset: 0, limit: 1000 });
  const skipped = await studio.api.listSkipped({ datasetId });
  const summary = (await studio.api.listDatasets({})).find((d) => d.id === datasetId)!;
  return { images: page.images.map((i) => i.relPath).sort(), total: page.total, skipped, summary };
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

before(async () => {
  tmp = await createTempDir('simclr-deferred-');
  root = path.join(tmp.path, 'photos');
  await writeLabelledFolder(root, { classes: { cats: 4, dogs: 3 }, format: 'jpeg' });
  await writeLabelledFolder(root, { classes: { birds: 2 }, format: 'png', seedOffset: 20 });
  await mkdir(path.join(root, 'late'));
  for (const [i, rel] of DAMAGED.entries()) {
    const encode = rel.endsWith('.png') ? encodePngDamagedPastStructure : encodeJpegDamagedPastHeader;
    await writeFile(path.join(root, rel), await encode({ width: 40, height: 30, seed: 40 + i }));
  }
  await copyFile(path.join(root, DAMAGED[0]!), path.join(root, DAMAGED_COPY));
  const whole = await encodeImage({ width: 40, height: 30, format: 'jpeg', seed: 50 });
  await writeFile(path.join(root, TRUNCATED), whole.subarray(0, Math.floor(whole.length / 2)));

  const studio = await open('reference', { thumbnailsAfterScan: false });
  try {
    const scan = await studio.api.addDataset({ path: root });
    const { images, skipped } = await catalogueOf(studio, scan.datasetId);
    reference = { scan, images, skipped };
  } finally {
    await studio.close();
  }
  // The reference itself: 9 good images, and both kinds of damage skipped with reasons.
  assert.equal(reference.images.length, 9);
  assert.deepEqual(reference.skipped.map((s) => s.path).sort(), [...DAMAGED, DAMAGED_COPY, TRUNCATED].sort());
  for (const rel of DAMAGED.slice(0, 2)) assert.match(reference.skipped.find((s) => s.path === rel)!.reason, /damaged-\d\.jpg.*damaged or incomplete.*Quantization table 0x03 was not defined/);
  assert.match(reference.skipped.find((s) => s.path === DAMAGED[2])!.reason, /damaged-3\.png.*PNG.*damaged or incomplete/);
});

after(async () => {
  await tmp?.remove();
});

describe('a scan that leaves the JPEG decode to the thumbnail pass', () => {
  test('catches a truncated JPEG at once, and after the bulk thumbnail pass its catalogue equals the full-decode reference', async () => {
    const studio = await open('bulk', { thumbnailsAfterScan: false, library: { deferDecode: true } });
    try {
      let changes = 0;
      studio.events.on('datasetsChanged', () => changes++);
      const scan = await studio.api.addDataset({ path: root });
      assert.deepEqual(scan.skipped.map((s) => s.path), [TRUNCATED], 'the structure walk finds the truncation during the scan');
      assert.equal(scan.images, 13, 'the four files damaged past their structure are catalogued from their header');
      const before = await catalogueOf(studio, scan.datasetId);
      assert.deepEqual([before.summary.imageCount, before.total], [13, 13]);

      const changesBefore = changes;
      const made = await studio.thumbnails.prefetchDataset(scan.datasetId);
      assert.equal(made, 9, 'a thumbnail for every image that decodes');
      const afterPass = await catalogueOf(studio, scan.datasetId);
      assert.deepEqual(afterPass.images, reference.images);
      assert.deepEqual(afterPass.skipped, reference.skipped, 'same files skipped, same reasons, same order');
      assert.deepEqual([afterPass.summary.imageCount, afterPass.total, afterPass.summary.skippedCount], [9, 9, 5]);
      await waitFor('the datasetsChanged notice, so the UI refreshes', async () => changes - changesBefore, (n) => n >= 1);

      // A re-scan re-checks skipped files, in full: the damaged ones stay skipped, nothing is "added".
      const rescan = await studio.api.rescanDataset({ datasetId: scan.datasetId });
      assert.deepEqual([rescan.images, rescan.added, rescan.changed, rescan.removed], [9, 0, 0, 0]);
      assert.deepEqual((await catalogueOf(studio, scan.datasetId)).skipped, reference.skipped);
    } finally {
      await studio.close();
    }
  });

  test('a thumbnail asked for on screen finds the damage too: the request is refused and the image moves to the skipped list', async () => {
    const studio = await open('lazy', { thumbnailsAfterScan: false, library: { deferDecode: true } });
    try {
      const { datasetId } = await studio.api.addDataset({ path: root });
      await assert.rejects(studio.thumbnails.thumbnailFile(datasetId, DAMAGED[0]!), (error: Error) => {
        assert.ok(error instanceof ThumbnailError);
        assert.equal(error.code, 'unreadable');
        assert.match(error.message, /damaged-1\.jpg.*Quantization table 0x03 was not defined/);
        return true;
      });
      const after = await catalogueOf(studio, datasetId);
      assert.ok(!after.images.includes(DAMAGED[0]!));
      assert.ok(after.images.includes(DAMAGED[1]!), 'the other one is not decoded yet');
      assert.deepEqual(after.skipped.find((s) => s.path === DAMAGED[0])?.reason, reference.skipped.find((s) => s.path === DAMAGED[0])?.reason);
      // A good JPEG's thumbnail is made as always.
      await studio.thumbnails.thumbnailFile(datasetId, 'cats/cats-0.jpg');
    } finally {
      await studio.close();
    }
  });

  test('the app opened again finishes the checks a closed app left undone, dataset after dataset', async () => {
    // A second folder with one damaged JPEG, so that the resumed pass must go through both.
    const second = path.join(tmp.path, 'more photos');
    await mkdir(second);
    await writeFile(path.join(second, 'only-damaged.jpg'), await encodeJpegDamagedPastHeader({ width: 20, height: 20, seed: 60 }));
    await writeFile(path.join(second, 'fine.jpg'), await encodeImage({ width: 20, height: 20, format: 'jpeg', seed: 61 }));
    // First session: catalogued from headers, closed before any thumbnail was made.
    const first = await open('restart', { thumbnailsAfterScan: false, library: { deferDecode: true } });
    let datasetId: number;
    let secondId: number;
    try {
      datasetId = (await first.api.addDataset({ path: root })).datasetId;
      secondId = (await first.api.addDataset({ path: second })).datasetId;
      assert.equal((await catalogueOf(first, datasetId)).total, 13);
      assert.equal((await catalogueOf(first, secondId)).total, 2);
    } finally {
      await first.close();
    }
    // Next start, as the app starts (thumbnails after scans, and the pass resumed).
    const reopened = await open('restart');
    try {
      const settled = await waitFor(
        'the resumed thumbnail pass to skip the damaged files of both folders',
        async () => [await catalogueOf(reopened, datasetId), await catalogueOf(reopened, secondId)],
        ([a, b]) => a!.skipped.length === 5 && b!.skipped.length === 1,
      );
      assert.deepEqual(settled[0]!.images, reference.images);
      assert.deepEqual(settled[0]!.skipped, reference.skipped);
      assert.deepEqual(settled[1]!.images, ['fine.jpg']);
      assert.match(settled[1]!.skipped[0]!.reason, /only-damaged\.jpg.*Quantization table 0x03 was not defined/);
    } finally {
      await reopened.close();
    }
  });

  test('the app scans with the deferred check by default; a studio without a thumbnail pass decodes every file', async () => {
    const app = await open('default-app');
    try {
      const scan = await app.api.addDataset({ path: root });
      assert.equal(scan.images, 13, 'deferred: its own thumbnail pass follows');
    } finally {
      await app.close();
    }
    assert.equal(reference.scan.images, 9, 'thumbnailsAfterScan: false (the CLI) decodes during the scan');
  });
});
