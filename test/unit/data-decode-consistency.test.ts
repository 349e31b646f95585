// The library scanner and the training data pipeline must agree on which files are
// images: a file the library shows is trained and embedded on, a file it skips is
// skipped by training too, for the same reason. One real folder holds every bad input
// of the fixtures plus the edge cases where the two used to disagree (BMP, which sharp
// cannot read; a PNG whose checksum is wrong but whose pixels are intact; bytes after
// a JPEG's end; an image with the wrong extension; a hard link and a link to a file
// inside the folder). It is scanned by the real library (SQLite, worker-thread
// inspection) and prepared by the real training pipeline, both ways training gets its
// files: the catalogue's list (the app) and the folder listing (the CLI).
import assert from 'node:assert/strict';
import { link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { ScanResult } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { type ImageDataset, prepareDataset } from '../../worker/data/dataset.ts';
import { openFolderDataset } from '../../worker/data/open-folder.ts';
import { PixelCache } from '../../worker/data/pixel-cache.ts';
import { createTempDir, encodeBmp, encodeImage, encodeJpegDamagedPastHeader, fixturePixels, writeBadInputs, writeLabelledFolder, type BadInputs, type TempDir } from '../helpers/image-fixtures.ts';

/** Images the decoders must both accept, beyond the plain PNG/JPEG classes. */
const EDGE_CASES = {
  bmp24: 'edge/picture.bmp',
  bmpGray: 'edge/gray.bmp',
  bmpAlpha: 'edge/alpha-top-down.bmp',
  pngBadChecksum: 'edge/bad-checksum.png',
  jpegTrailingBytes: 'edge/trailing-bytes.jpg',
  pngNamedDat: 'edge/photo.dat',
} as const;
/** Files both must refuse, beyond writeBadInputs. */
const EDGE_BAD = { truncatedBmp: 'edge/truncated.bmp', jpegDamagedPastHeader: 'edge/missing-table.jpg' } as const;
/** The same file reached a second time: catalogued once, trained on once. */
const SECOND_NAMES = { hardLink: 'edge/same-as-cat.png', linkInside: 'links/inside.png' } as const;

const SIDE = 16;

let tmp: TempDir;
let root: string;
let studio: Studio;
let bad: BadInputs;
let scan: ScanResult;
let catalogued: string[];

before(async () => {
  tmp = await createTempDir('simclr-decode-consistency-');
  root = path.join(tmp.path, 'messy');
  await writeLabelledFolder(root, { classes: { cats: 3 }, format: 'png' });
  await writeLabelledFolder(root, { classes: { dogs: 2 }, format: 'jpeg', seedOffset: 10 });
  bad = await writeBadInputs(root, path.join(tmp.path, 'outside'));
  await writeEdgeCases(root);
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false });
  scan = await studio.api.addDataset({ path: root });
  const page = await studio.api.listImages({ datasetId: scan.datasetId, offset: 0, limit: 1000 });
  catalogued = page.images.map((image) => image.relPath).sort();
});

after(async () => {
  await studio?.close();
  await tmp?.remove();
});

async function writeEdgeCases(dir: string): Promise<void> {
  const at = (rel: string) => path.join(dir, ...rel.split('/'));
  await mkdir(at('edge'), { recursive: true });
  const rgb = fixturePixels(12, 8, 41); // [8, 12, 3]
  await writeFile(at(EDGE_CASES.bmp24), encodeBmp(rgb, 12, 8, 'rgb24'));
  await writeFile(at(EDGE_CASES.bmpGray), encodeBmp(rgb, 12, 8, 'gray8'));
  await writeFile(at(EDGE_CASES.bmpAlpha), encodeBmp(rgb, 12, 8, 'bgra32-topdown'));
  const bmp = encodeBmp(fixturePixels(40, 40, 42), 40, 40);
  await writeFile(at(EDGE_BAD.truncatedBmp), bmp.subarray(0, Math.floor(bmp.length / 2)));
  await writeFile(at(EDGE_BAD.jpegDamagedPastHeader), await encodeJpegDamagedPastHeader({ width: 20, height: 20, seed: 31 }));
  await writeFile(at(EDGE_CASES.pngBadChecksum), withWrongIdatChecksum(await encodeImage({ width: 24, height: 24, seed: 43 })));
  const jpeg = await encodeImage({ width: 24, height: 24, format: 'jpeg', seed: 44 });
  await writeFile(at(EDGE_CASES.jpegTrailingBytes), Buffer.concat([jpeg, Buffer.from('bytes a camera or an editor left after the end of the image')]));
  await writeFile(at(EDGE_CASES.pngNamedDat), await encodeImage({ width: 20, height: 30, seed: 45 }));
  await link(at('cats/cats-0.png'), at(SECOND_NAMES.hardLink));
  await symlink(at('cats/cats-1.png'), at(SECOND_NAMES.linkInside));
}

/**
 * The PNG with the CRC of its first IDAT chunk flipped: the pixels are intact, only the
 * checksum disagrees. libpng reports it; libvips tolerates it unless told to fail on
 * errors, which is the case where the scanner and the old training decoder disagreed.
 */
function withWrongIdatChecksum(png: Buffer): Buffer {
  const out = Buffer.from(png);
  for (let offset = 8; offset < out.length; ) {
    const length = out.readUInt32BE(offset);
    if (out.toString('ascii', offset + 4, offset + 8) === 'IDAT') {
      const crcAt = offset + 8 + length;
      assert.equal(out.readUInt32BE(crcAt), crc32(out.subarray(offset + 4, crcAt)), 'fixture: the IDAT checksum was right before');
      out.writeUInt32BE(out.readUInt32BE(crcAt) ^ 1, crcAt);
      return out;
    }
    offset += 12 + length;
  }
  throw new Error('fixture: no IDAT chunk');
}

const relativeTo = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/');
const usedBy = (dataset: ImageDataset) => dataset.images.map((image) => image.file.relativePath).sort();

describe('the scanner and the training pipeline accept the same files', () => {
  test('the scanner catalogues every edge case once and skips every bad input', () => {
    for (const rel of [...Object.values(EDGE_CASES), ...bad.validOddNames, 'cats/cats-0.png', 'cats/cats-1.png']) {
      assert.ok(catalogued.includes(rel), `${rel} should be catalogued`);
    }
    const skipped = new Set(scan.skipped.map((s) => s.path));
    for (const rel of [...Object.values(EDGE_BAD), ...Object.values(SECOND_NAMES), bad.skipped.truncatedJpeg, bad.skipped.corruptPng, bad.skipped.bomb]) {
      assert.ok(skipped.has(rel), `${rel} should be skipped by the scanner`);
    }
  });

  test('training on the catalogued files (the app) uses every one of them', async () => {
    const files = catalogued.map((rel) => ({ path: path.join(root, ...rel.split('/')), relativePath: rel, label: '' }));
    const dataset = await prepareDataset(files, { side: SIDE, cache: new PixelCache(path.join(tmp.path, 'cache-app')) });
    assert.deepEqual(dataset.skipped, []);
    assert.deepEqual(usedBy(dataset), catalogued);
  });

  test('training on the folder (the CLI) uses exactly the catalogued files and skips what the scanner skips', async () => {
    const dataset = await openFolderDataset(root, { imageSize: SIDE, cacheDir: path.join(tmp.path, 'cache-cli') });
    assert.deepEqual(usedBy(dataset), catalogued);
    assert.deepEqual(dataset.skipped.map((s) => relativeTo(s.path)).sort(), scan.skipped.map((s) => s.path).sort());
    for (const { path: file, reason } of dataset.skipped) assert.ok(reason.length > 0, `${file} is skipped without a reason`);
  });
});

describe('the edge cases decode to their real pixels in training', () => {
  async function trainingPixels(rel: string, side: number): Promise<Uint8Array> {
    const file = { path: path.join(root, ...rel.split('/')), relativePath: rel, label: '' };
    const dataset = await prepareDataset([file], { side, cache: new PixelCache(path.join(tmp.path, `cache-${side}`)) });
    assert.deepEqual(dataset.skipped, [], `${rel} should decode`);
    return dataset.pixels(0);
  }

  /** The same pipeline on the same pixels stored as a plain PNG (the reference). */
  async function referencePixels(png: Buffer, side: number): Promise<Uint8Array> {
    const rel = `reference/${side}-${crc32(png)}.png`;
    await mkdir(path.join(tmp.path, 'reference'), { recursive: true });
    await writeFile(path.join(tmp.path, rel), png);
    const dataset = await prepareDataset([{ path: path.join(tmp.path, rel), relativePath: rel, label: '' }], {
      side,
      cache: new PixelCache(path.join(tmp.path, `cache-ref-${side}`)),
    });
    return dataset.pixels(0);
  }

  test('a BMP gives the pixels it stores (24-bit, 8-bit grey → RGB, 32-bit with alpha dropped)', async () => {
    const rgb = fixturePixels(12, 8, 41);
    const png = await sharp(rgb, { raw: { width: 12, height: 8, channels: 3 } }).png().toBuffer();
    const expected = await referencePixels(png, 8);
    assert.deepEqual(await trainingPixels(EDGE_CASES.bmp24, 8), expected);
    assert.deepEqual(await trainingPixels(EDGE_CASES.bmpAlpha, 8), expected);
    const gray = await trainingPixels(EDGE_CASES.bmpGray, 8);
    const red = await referencePixels(await sharp(rgb, { raw: { width: 12, height: 8, channels: 3 } }).extractChannel('red').png().toBuffer(), 8);
    assert.deepEqual(gray, red);
    for (let i = 0; i < gray.length; i += 3) assert.ok(gray[i] === gray[i + 1] && gray[i] === gray[i + 2], 'grey becomes three equal channels');
  });

  test('a PNG with a wrong checksum gives the same pixels as the intact PNG', async () => {
    const intact = await encodeImage({ width: 24, height: 24, seed: 43 });
    assert.notDeepEqual(await readFile(path.join(root, EDGE_CASES.pngBadChecksum)), intact);
    assert.deepEqual(await trainingPixels(EDGE_CASES.pngBadChecksum, SIDE), await referencePixels(intact, SIDE));
  });
});
