// inspectFile on real files: what a good image yields, and the reasons for the bad
// ones that depend on timing in a real scan (deleted or changing while read), made
// deterministic here by handing in the listing's view of the file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createInProcessImageTasks, WorkerImageTasks } from '../../main/services/library/image-tasks.ts';
import { inspectFile } from '../../main/services/library/inspect-file.ts';
import { createTempDir, decompressionBombPng, writeImage, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-inspect-');
});
after(async () => {
  await tmp.remove();
});

const LIMIT = { maxPixels: 100_000_000 };

describe('inspectFile', () => {
  test('a good image: size, dimensions, format and the sha256 of its bytes', async () => {
    const file = await writeImage(path.join(tmp.path, 'good.webp'), { width: 30, height: 20, format: 'webp' });
    const result = await inspectFile(file, 'good.webp', LIMIT);
    assert.equal(result.kind, 'image');
    if (result.kind !== 'image') return;
    const bytes = await readFile(file);
    assert.equal(result.contentHash, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual([result.width, result.height, result.format, result.size], [30, 20, 'webp', bytes.length]);
  });

  test('large files are streamed: same hash and size, and truncation is still caught', async () => {
    const file = await writeImage(path.join(tmp.path, 'streamed.jpg'), { width: 200, height: 150, format: 'jpeg', seed: 4 });
    const inMemory = await inspectFile(file, 'streamed.jpg', LIMIT);
    const streamed = await inspectFile(file, 'streamed.jpg', { ...LIMIT, inMemoryMaxBytes: 16 });
    assert.equal(streamed.kind, 'image');
    assert.deepEqual(streamed, inMemory);
    const bytes = await readFile(file);
    await writeFile(path.join(tmp.path, 'streamed-cut.jpg'), bytes.subarray(0, bytes.length >> 1));
    const cut = await inspectFile(path.join(tmp.path, 'streamed-cut.jpg'), 'streamed-cut.jpg', { ...LIMIT, inMemoryMaxBytes: 16 });
    assert.match(cut.kind === 'skipped' ? cut.reason : '', /damaged or incomplete/);
  });

  test('the format comes from the content, not the name', async () => {
    const png = await writeImage(path.join(tmp.path, 'really-a-png.jpg'), { format: 'png' });
    const result = await inspectFile(png, 'really-a-png.jpg', LIMIT);
    assert.equal(result.kind === 'image' && result.format, 'png');
  });

  test('a file deleted after listing is "gone", not skipped', async () => {
    const file = await writeImage(path.join(tmp.path, 'soon-gone.png'));
    const listed = await stat(file);
    await rm(file);
    assert.deepEqual(await inspectFile(file, 'soon-gone.png', LIMIT, listed), { kind: 'gone' });
    assert.deepEqual(await inspectFile(file, 'soon-gone.png', LIMIT), { kind: 'gone' });
  });

  test('a file whose size changed since listing (still being copied) is skipped with a reason', async () => {
    const file = await writeImage(path.join(tmp.path, 'copying.png'));
    const listed = await stat(file);
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(100)]));
    const result = await inspectFile(file, 'copying.png', LIMIT, listed);
    assert.equal(result.kind, 'skipped');
    assert.match(result.kind === 'skipped' ? result.reason : '', /'copying\.png' was changing while it was being read/);
  });

  test('the pixel limit is configurable and named in the reason', async () => {
    const file = await writeImage(path.join(tmp.path, 'wide.png'), { width: 300, height: 200 });
    const result = await inspectFile(file, 'wide.png', { maxPixels: 50_000 });
    assert.equal(result.kind, 'skipped');
    assert.match(result.kind === 'skipped' ? result.reason : '', /300×200 pixels = 0\.06 megapixels, above the limit of 0\.05 megapixels/);
  });

  test('a truncated BMP is reported as damaged, a folder is not a file', async () => {
    const bmp = Buffer.alloc(70);
    bmp.write('BM', 0, 'ascii');
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(100, 18);
    bmp.writeInt32LE(100, 22);
    bmp.writeUInt16LE(24, 28);
    await writeFile(path.join(tmp.path, 'old.bmp'), bmp);
    const result = await inspectFile(path.join(tmp.path, 'old.bmp'), 'old.bmp', LIMIT);
    assert.match(result.kind === 'skipped' ? result.reason : '', /'old\.bmp' looks like a BMP image but is damaged or incomplete.*truncated/);
    const folder = await inspectFile(tmp.path, 'a-folder', LIMIT);
    assert.match(folder.kind === 'skipped' ? folder.reason : '', /is a folder, not a file/);
  });
});

describe('image tasks in the worker thread', () => {
  test('give the same answers as in-process, for good and bad files, and render thumbnails', async () => {
    const good = await writeImage(path.join(tmp.path, 'w-good.jpg'), { format: 'jpeg', width: 50, height: 40 });
    const bomb = path.join(tmp.path, 'w-bomb.png');
    await writeFile(bomb, decompressionBombPng());
    const worker = new WorkerImageTasks();
    const local = createInProcessImageTasks();
    try {
      const answers = [];
      for (const [file, rel] of [[good, 'w-good.jpg'], [bomb, 'w-bomb.png']] as const) {
        const listed = await stat(file);
        const fromWorker = await worker.inspect(file, rel, LIMIT.maxPixels, listed);
        assert.deepEqual(fromWorker, await local.inspect(file, rel, LIMIT.maxPixels, listed));
        answers.push(fromWorker);
      }
      // Equal answers alone would also hold if both paths failed alike: check what they are.
      const [goodAnswer, bombAnswer] = answers;
      assert.deepEqual(goodAnswer?.kind === 'image' && [goodAnswer.width, goodAnswer.height, goodAnswer.format], [50, 40, 'jpeg']);
      assert.match(bombAnswer?.kind === 'skipped' ? bombAnswer.reason : '', /'w-bomb\.png'.*above the limit/);
      const out = path.join(tmp.path, 'thumb.webp');
      await worker.thumbnail({ absPath: good, out, size: 16, maxPixels: 2000, format: 'jpeg', fileBytes: (await stat(good)).size });
      assert.ok((await stat(out)).size > 0);
      await assert.rejects(worker.thumbnail({ absPath: bomb, out: path.join(tmp.path, 'bomb.webp'), size: 16, maxPixels: 1000, format: 'png', fileBytes: (await stat(bomb)).size }), /pixel limit/);
    } finally {
      await worker.close();
    }
    await assert.rejects(worker.inspect(good, 'w-good.jpg', 1, { size: 1, mtimeMs: 1 }), /closed/);
  });

  test('read small files synchronously there, and still notice files that grew, shrank or vanished since listing', async () => {
    const grown = await writeImage(path.join(tmp.path, 'w-grown.png'));
    const shrunk = await writeImage(path.join(tmp.path, 'w-shrunk.png'));
    const gone = await writeImage(path.join(tmp.path, 'w-gone.png'));
    const listed = { grown: await stat(grown), shrunk: await stat(shrunk), gone: await stat(gone) };
    await writeFile(grown, Buffer.concat([await readFile(grown), Buffer.alloc(10)]));
    await writeFile(shrunk, (await readFile(shrunk)).subarray(0, listed.shrunk.size - 10));
    await rm(gone);
    const worker = new WorkerImageTasks();
    try {
      const [g, s, v] = await worker.inspectMany(
        [
          { absPath: grown, rel: 'w-grown.png', listed: listed.grown },
          { absPath: shrunk, rel: 'w-shrunk.png', listed: listed.shrunk },
          { absPath: gone, rel: 'w-gone.png', listed: listed.gone },
        ],
        LIMIT.maxPixels,
      );
      assert.match(g?.kind === 'skipped' ? g.reason : '', /'w-grown\.png' was changing while it was being read/);
      assert.match(s?.kind === 'skipped' ? s.reason : '', /'w-shrunk\.png' was changing while it was being read/);
      assert.deepEqual(v, { kind: 'gone' });
    } finally {
      await worker.close();
    }
  });

  test('when the thread cannot be started, work runs in-process with the same answers, and that is reported once', async (t) => {
    const good = await writeImage(path.join(tmp.path, 'f-good.png'), { format: 'png', width: 24, height: 18 });
    const bomb = path.join(tmp.path, 'f-bomb.png');
    await writeFile(bomb, decompressionBombPng());
    const listed = { good: await stat(good), bomb: await stat(bomb) };
    const reports = t.mock.method(console, 'error', () => undefined);
    // `new Worker` refuses a non-file URL synchronously: the thread cannot start at all.
    const tasks = new WorkerImageTasks({ url: new URL('https://example.invalid/image-worker.js') });
    const local = createInProcessImageTasks();
    try {
      const [goodAnswer, bombAnswer] = await tasks.inspectMany(
        [
          { absPath: good, rel: 'f-good.png', listed: listed.good },
          { absPath: bomb, rel: 'f-bomb.png', listed: listed.bomb },
        ],
        LIMIT.maxPixels,
      );
      assert.deepEqual(goodAnswer?.kind === 'image' && [goodAnswer.width, goodAnswer.height, goodAnswer.format], [24, 18, 'png']);
      assert.match(bombAnswer?.kind === 'skipped' ? bombAnswer.reason : '', /'f-bomb\.png'.*above the limit/);
      assert.deepEqual(goodAnswer, await local.inspect(good, 'f-good.png', LIMIT.maxPixels, listed.good));
      assert.deepEqual(await tasks.inspect(good, 'f-good.png', LIMIT.maxPixels, listed.good), goodAnswer);
      const out = path.join(tmp.path, 'f-thumb.webp');
      await tasks.thumbnail({ absPath: good, out, size: 8, maxPixels: 24 * 18, format: 'png', fileBytes: listed.good.size });
      assert.ok((await stat(out)).size > 0);
      await assert.rejects(tasks.thumbnail({ absPath: bomb, out: path.join(tmp.path, 'f-bomb.webp'), size: 8, maxPixels: 1000, format: 'png', fileBytes: listed.bomb.size }), /pixel limit/);
      assert.equal(reports.mock.callCount(), 1, 'four tasks, one report');
      assert.match(String(reports.mock.calls[0]?.arguments[0]), /image worker thread could not be started \(.*URL.*\); images are inspected and thumbnails made on the main thread/);
    } finally {
      await tasks.close();
    }
    await assert.rejects(tasks.inspect(good, 'f-good.png', LIMIT.maxPixels, listed.good), /the library is closed/);
  });

  test('a thread whose module throws while loading fails the task with that error (no silent fallback), each time', async () => {
    const script = path.join(tmp.path, 'throws-at-load.mjs');
    await writeFile(script, "throw new Error('the image worker module is broken');\n");
    const good = await writeImage(path.join(tmp.path, 'l-good.png'));
    const tasks = new WorkerImageTasks({ url: pathToFileURL(script) });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(tasks.inspect(good, 'l-good.png', LIMIT.maxPixels, await stat(good)), /the image worker module is broken/);
      }
    } finally {
      await tasks.close();
    }
  });
});
