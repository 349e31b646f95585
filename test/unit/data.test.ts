// The data pipeline on real files decoded by real sharp, in a temp folder.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { epochBatches, stepsPerEpoch } from '../../worker/data/batches.ts';
import { ImageDataset, prepareDataset } from '../../worker/data/dataset.ts';
import { decodeToSquare } from '../../worker/data/decode.ts';
import { listImageFiles } from '../../worker/data/list-images.ts';
import { PixelCache } from '../../worker/data/pixel-cache.ts';
import { epochOrder } from '../../worker/data/shuffle.ts';
import { decompressionBombPng, encodeImage } from '../helpers/image-fixtures.ts';
import { sourceSideFor } from '../../worker/data/source-size.ts';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-data-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A solid-colour PNG of the given size. */
function solid(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

async function makeFolder(name: string, count: number): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(path.join(dir, 'a'), { recursive: true });
  await fs.mkdir(path.join(dir, 'b'), { recursive: true });
  for (let i = 0; i < count; i++) {
    await fs.writeFile(path.join(dir, i % 2 ? 'a' : 'b', `img ${i}.png`), await solid(10 + i, 12, [i * 20, 255 - i * 20, 100]));
  }
  return dir;
}

describe('source size', () => {
  test('is S for small images and round(S·8/7) above 64', () => {
    assert.equal(sourceSideFor(32), 32);
    assert.equal(sourceSideFor(64), 64);
    assert.equal(sourceSideFor(224), 256);
    assert.throws(() => sourceSideFor(0), /positive integer/);
  });
});

describe('decode', () => {
  test('applies EXIF orientation', async () => {
    // Stored 32×16: left half red, right half blue. Orientation 6 displays it rotated
    // 90° clockwise, so the stored left (red) becomes the top.
    const raw = Buffer.alloc(32 * 16 * 3);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 32; x++) raw.set(x < 16 ? [255, 0, 0] : [0, 0, 255], (y * 32 + x) * 3);
    const jpeg = await sharp(raw, { raw: { width: 32, height: 16, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const px = await decodeToSquare(jpeg, 16);
    const at = (x: number, y: number) => Array.from(px.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    assert.ok(at(2, 2)[0]! > 200 && at(2, 2)[2]! < 60, `top-left should be red, got ${at(2, 2)}`);
    assert.ok(at(2, 13)[2]! > 200 && at(2, 13)[0]! < 60, `bottom-left should be blue, got ${at(2, 13)}`);
  });

  test('turns grayscale into three equal channels and drops alpha', async () => {
    const gray = await sharp({ create: { width: 9, height: 9, channels: 3, background: { r: 90, g: 90, b: 90 } } }).grayscale().png().toBuffer();
    const g = await decodeToSquare(gray, 8);
    assert.equal(g.length, 8 * 8 * 3);
    assert.deepEqual(Array.from(g.subarray(0, 3)), [90, 90, 90]);
    const rgba = await sharp({ create: { width: 9, height: 9, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const c = await decodeToSquare(rgba, 8);
    assert.equal(c.length, 8 * 8 * 3);
    // Resizing works on premultiplied alpha, so allow a rounding step.
    Array.from(c.subarray(0, 3)).forEach((v, i) => assert.ok(Math.abs(v - [10, 20, 30][i]!) <= 2, `channel ${i}: ${v}`));
  });

  test('rejects bytes that are not an image', async () => {
    await assert.rejects(decodeToSquare(Buffer.from('hello, not a jpeg'), 8), /unsupported image format/i);
  });
});

describe('listing', () => {
  test('is recursive, sorted, skips hidden entries and labels by top folder', async () => {
    const dir = await makeFolder('listing', 3);
    await fs.writeFile(path.join(dir, '.hidden.png'), await solid(4, 4, [0, 0, 0]));
    await fs.mkdir(path.join(dir, '.git'));
    await fs.writeFile(path.join(dir, '.git', 'x.png'), await solid(4, 4, [0, 0, 0]));
    await fs.writeFile(path.join(dir, 'root.png'), await solid(4, 4, [0, 0, 0]));
    const files = await listImageFiles(dir);
    assert.deepEqual(
      files.map((f) => [f.relativePath, f.label]),
      [['a/img 1.png', 'a'], ['b/img 0.png', 'b'], ['b/img 2.png', 'b'], ['root.png', '']],
    );
  });

  test('names a missing folder and a file given as a folder', async () => {
    await assert.rejects(listImageFiles(path.join(root, 'nope')), /folder not found: .*nope/);
    const file = path.join(root, 'file.png');
    await fs.writeFile(file, await solid(4, 4, [0, 0, 0]));
    await assert.rejects(listImageFiles(file), /not a folder/);
  });
});

describe('dataset and cache', () => {
  test('skips corrupt, empty and non-image files by name and keeps the rest', async () => {
    const dir = await makeFolder('bad', 4);
    const good = await solid(20, 20, [1, 2, 3]);
    await fs.writeFile(path.join(dir, 'a', 'truncated.png'), good.subarray(0, 40));
    await fs.writeFile(path.join(dir, 'a', 'empty.jpg'), Buffer.alloc(0));
    await fs.writeFile(path.join(dir, 'b', 'notes.jpg'), 'just text');
    const skippedSeen: string[] = [];
    const ds = await prepareDataset(await listImageFiles(dir), {
      side: 8,
      cache: new PixelCache(path.join(root, 'cache-bad')),
      onSkipped: (s) => skippedSeen.push(path.basename(s.path)),
    });
    assert.equal(ds.size, 4);
    assert.deepEqual(ds.skipped.map((s) => path.basename(s.path)), ['empty.jpg', 'truncated.png', 'notes.jpg']);
    assert.match(ds.skipped[0]!.reason, /empty file/);
    assert.match(ds.skipped[2]!.reason, /not an image: a text file/);
    assert.deepEqual(skippedSeen.sort(), ['empty.jpg', 'notes.jpg', 'truncated.png']);
  });

  test('skips a decompression bomb and a truncated JPEG with their reasons', async () => {
    const dir = await makeFolder('bombs', 2);
    await fs.writeFile(path.join(dir, 'a', 'bomb.png'), decompressionBombPng());
    const jpeg = await encodeImage({ width: 64, height: 64, format: 'jpeg', seed: 3 });
    await fs.writeFile(path.join(dir, 'b', 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const ds = await prepareDataset(await listImageFiles(dir), { side: 8, cache: new PixelCache(path.join(root, 'cache-bombs')) });
    assert.equal(ds.size, 2);
    const reasons = Object.fromEntries(ds.skipped.map((s) => [path.basename(s.path), s.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['bomb.png', 'cut.jpg']);
    assert.match(reasons['bomb.png']!, /pixel limit/i);
    // libvips says "premature end of JPEG image", or loses its message when two decodes fail at once.
    assert.match(reasons['cut.jpg']!, /premature end|damaged image/i);
  });

  test('decodes a BMP (which libvips cannot) through the library decoder', async () => {
    // A 2×2 24-bit bottom-up BMP: rows padded to 4 bytes, pixels stored BGR.
    const row = (a: number[], b: number[]) => [...a.slice().reverse(), ...b.slice().reverse(), 0, 0];
    const pixels = [...row([0, 0, 255], [0, 255, 0]), ...row([255, 0, 0], [255, 255, 255])]; // bottom row first
    const header = Buffer.alloc(54);
    header.write('BM', 0, 'ascii');
    header.writeUInt32LE(54 + pixels.length, 2);
    header.writeUInt32LE(54, 10);
    header.writeUInt32LE(40, 14);
    header.writeInt32LE(2, 18);
    header.writeInt32LE(2, 22);
    header.writeUInt16LE(1, 26);
    header.writeUInt16LE(24, 28);
    header.writeUInt32LE(pixels.length, 34);
    const dir = path.join(root, 'bmp');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'tiny.bmp'), Buffer.concat([header, Buffer.from(pixels)]));
    const ds = await prepareDataset(await listImageFiles(dir), { side: 2, cache: new PixelCache(path.join(root, 'cache-bmp')) });
    assert.deepEqual(ds.skipped, []);
    // Top row: red, white; bottom row: blue, green.
    assert.deepEqual(Array.from(await ds.pixels(0)), [255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 255, 0]);
  });

  test('a second preparation reads pixels from the cache, keyed by content', async () => {
    const dir = await makeFolder('cached', 3);
    const cache = new PixelCache(path.join(root, 'cache-hit'));
    const files = await listImageFiles(dir);
    const first = await prepareDataset(files, { side: 8, cache });
    const hash = first.images[0]!.hash;
    // Overwrite the cache entry with a marker pattern: if the pipeline decoded the file
    // again we would see the real colours, not the marker.
    const marker = new Uint8Array(8 * 8 * 3).fill(7);
    await fs.writeFile(cache.pathFor(hash, 8), marker);
    const second = await prepareDataset(files, { side: 8, cache });
    assert.deepEqual(await second.pixels(0), marker);
    assert.equal(second.fingerprint, first.fingerprint);
    // A damaged (short) cache entry is a miss: decoded again from the file.
    await fs.writeFile(cache.pathFor(hash, 8), new Uint8Array(5));
    const again = await second.pixels(0);
    assert.equal(again.length, 8 * 8 * 3);
    assert.notDeepEqual(again, marker);
  });
});

describe('shuffle and batches', () => {
  test('the epoch order is a seeded permutation that changes with the epoch', () => {
    const a = epochOrder(50, 3, 0);
    assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(epochOrder(50, 3, 0), a);
    assert.notDeepEqual(epochOrder(50, 3, 1), a);
    assert.notDeepEqual(epochOrder(50, 4, 0), a);
  });

  test('full batches only, each image at most once, resume skips done steps', async () => {
    const dir = await makeFolder('batches', 11);
    const ds = await prepareDataset(await listImageFiles(dir), { side: 8, cache: new PixelCache(path.join(root, 'cache-b')) });
    assert.equal(stepsPerEpoch(ds.size, 4), 2);
    const all = [];
    for await (const b of epochBatches(ds, { batchSize: 4, seed: 1, epoch: 0 })) all.push(b);
    assert.equal(all.length, 2);
    assert.deepEqual(all[0]!.shape, [4, 8, 8, 3]);
    assert.equal(all[0]!.pixels.length, 4 * 8 * 8 * 3);
    const seen = all.flatMap((b) => b.indices);
    assert.equal(new Set(seen).size, 8);
    assert.deepEqual(all[0]!.pixels.subarray(0, 192), await ds.pixels(all[0]!.indices[0]!));
    const resumed = [];
    for await (const b of epochBatches(ds, { batchSize: 4, seed: 1, epoch: 0, startStep: 1 })) resumed.push(b);
    assert.equal(resumed.length, 1);
    assert.deepEqual(resumed[0]!.indices, all[1]!.indices);
  });

  test('the next batch is read while the caller holds the current one (prefetch)', async () => {
    const dir = await makeFolder('prefetch', 12);
    const ds = await prepareDataset(await listImageFiles(dir), { side: 8, cache: new PixelCache(path.join(root, 'cache-p')) });
    // Count the pixel reads the pipeline makes (a subclass of the real dataset).
    let reads = 0;
    class CountingDataset extends ImageDataset {
      override async pixels(index: number): Promise<Uint8Array> {
        reads++;
        return super.pixels(index);
      }
    }
    const counted = new CountingDataset(ds.side, ds.images, [], new PixelCache(path.join(root, 'cache-p')));
    const batches = epochBatches(counted, { batchSize: 4, seed: 2, epoch: 0 });
    const first = await batches.next();
    assert.equal(first.done, false);
    // While "training" on the first batch, let I/O proceed: the second batch gets read.
    for (let i = 0; i < 2000 && reads < 8; i++) await new Promise((r) => setTimeout(r, 1));
    assert.equal(reads, 8);
    await batches.return(undefined);
  });

  test('an image that breaks during training is reported and replaced', async () => {
    const dir = await makeFolder('breaks', 9);
    const cache = new PixelCache(path.join(root, 'cache-breaks'));
    const ds = await prepareDataset(await listImageFiles(dir), { side: 8, cache });
    const [victim] = epochOrder(ds.size, 5, 0);
    const image = ds.images[victim!]!;
    await fs.rm(cache.pathFor(image.hash, 8));
    await fs.writeFile(image.file.path, 'corrupted after preparation');
    const reported: string[] = [];
    const broken = new Set<number>();
    const batches = [];
    for await (const b of epochBatches(ds, { batchSize: 4, seed: 5, epoch: 0, broken, onSkipped: (s) => reported.push(s.path) })) batches.push(b);
    assert.deepEqual(reported, [image.file.path]);
    assert.ok(broken.has(victim!));
    assert.equal(batches.length, 2);
    assert.ok(batches.every((b) => b.indices.length === 4 && !b.indices.includes(victim!)));
  });
});
