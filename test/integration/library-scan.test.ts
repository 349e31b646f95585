// The scanner end to end through the Studio API: real folders written by the test
// (including every bad input of issue 2), a real SQLite file, real sharp.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanProgress } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, writeBadInputs, writeImage, writeLabelledFolder, type BadInputs, type TempDir } from '../helpers/image-fixtures.ts';

const isRoot = process.getuid?.() === 0;

let tmp: TempDir;
let studio: Studio;
before(async () => {
  tmp = await createTempDir('simclr-scan-');
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, library: { progressIntervalMs: 0 } });
});
after(async () => {
  await studio.close();
  await tmp.remove();
});

async function allImagePaths(datasetId: number): Promise<string[]> {
  const page = await studio.api.listImages({ datasetId, offset: 0, limit: 5000 });
  return page.images.map((i) => i.relPath);
}

describe('a folder with every kind of bad input', () => {
  let root: string;
  let bad: BadInputs;
  let good: string[];
  before(async () => {
    root = path.join(tmp.path, 'messy');
    good = await writeLabelledFolder(root, { classes: { cats: 3, dogs: 2 }, format: 'jpeg' });
    bad = await writeBadInputs(root, path.join(tmp.path, 'outside-messy'));
  });

  test('catalogues the good images, skips each bad file with a reason naming it, ignores hidden and system files', async () => {
    const result = await studio.api.addDataset({ path: root });
    const images = await allImagePaths(result.datasetId);
    for (const rel of [...good, ...bad.validOddNames]) assert.ok(images.includes(rel), `${rel} should be catalogued`);

    const skipped = new Map(result.skipped.map((s) => [s.path, s.reason]));
    const rootCanRead = new Set<string>(isRoot ? [bad.skipped.unreadableFile, bad.skipped.unreadableFolder] : []);
    for (const [name, rel] of Object.entries(bad.skipped)) {
      if (rootCanRead.has(rel)) continue; // root reads chmod-000 files: covered as non-root in cli-scan.test.ts
      const reason = skipped.get(rel);
      assert.ok(reason, `${name} (${rel}) should be reported as skipped`);
      assert.ok(reason.includes(`'${rel}'`), `the reason for ${rel} must name it: ${reason}`);
    }
    assert.match(skipped.get(bad.skipped.bomb)!, /20000×10000 pixels = 200 megapixels, above the limit of 100 megapixels/);
    assert.match(skipped.get(bad.skipped.zeroByte)!, /empty \(0 bytes\)/);
    assert.match(skipped.get(bad.skipped.textAsJpg)!, /named like an image \(\.jpg\) but its content is a text file/);
    assert.match(skipped.get(bad.skipped.truncatedJpeg)!, /damaged or incomplete/);
    assert.match(skipped.get(bad.skipped.corruptPng)!, /damaged or incomplete/);
    assert.match(skipped.get(bad.skipped.symlinkLoop)!, /links to folders are not followed/);
    assert.match(skipped.get(bad.skipped.escapingSymlink)!, /outside this folder/);

    for (const rel of bad.ignored) {
      assert.ok(!images.includes(rel) && !skipped.has(rel), `${rel} is hidden or a system file and must be ignored silently`);
    }
    assert.equal(result.images, images.length);
    assert.equal(result.added, images.length);
    const [summary] = (await studio.api.listDatasets({})).filter((d) => d.id === result.datasetId);
    assert.equal(summary!.status, 'ready');
    assert.equal(summary!.imageCount, images.length);
    assert.equal(summary!.skippedCount, result.skipped.length);
    assert.deepEqual(await studio.api.listSkipped({ datasetId: result.datasetId }), result.skipped);
  });

  test('images report their real size and format, read by content', async () => {
    const [dataset] = (await studio.api.listDatasets({})).filter((d) => d.path === root);
    const page = await studio.api.listImages({ datasetId: dataset!.id, offset: 0, limit: 100 });
    const cat = page.images.find((i) => i.relPath === 'cats/cats-0.jpg');
    assert.deepEqual({ width: cat?.width, height: cat?.height, format: cat?.format }, { width: 32, height: 32, format: 'jpeg' });
    assert.ok(cat!.bytes > 0);
  });
});

describe('re-scanning', () => {
  let root: string;
  let datasetId: number;
  before(async () => {
    root = path.join(tmp.path, 'evolving');
    await writeLabelledFolder(root, { classes: { a: 4 } });
    datasetId = (await studio.api.addDataset({ path: root })).datasetId;
  });

  test('an unchanged folder reports nothing added, changed or removed', async () => {
    const result = await studio.api.rescanDataset({ datasetId });
    assert.deepEqual([result.images, result.added, result.changed, result.removed], [4, 0, 0, 0]);
  });

  test('picks up added, changed and removed files; a touched file is not "changed"', async () => {
    await writeImage(path.join(root, 'a', 'new.png'), { seed: 500 });
    await writeImage(path.join(root, 'a', 'a-0.png'), { seed: 501, width: 40 }); // new content
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(root, 'a', 'a-1.png'), later, later); // same content, new mtime
    await rm(path.join(root, 'a', 'a-2.png'));
    const result = await studio.api.rescanDataset({ datasetId });
    assert.deepEqual({ images: result.images, added: result.added, changed: result.changed, removed: result.removed }, { images: 4, added: 1, changed: 1, removed: 1 });
    const page = await studio.api.listImages({ datasetId, offset: 0, limit: 10 });
    assert.equal(page.images.find((i) => i.relPath === 'a/a-0.png')?.width, 40);
    assert.ok(!page.images.some((i) => i.relPath === 'a/a-2.png'));
  });

  test('an image that turns corrupt moves to the skipped list, and back when repaired', async () => {
    await writeFile(path.join(root, 'a', 'a-3.png'), 'oops, overwritten with text');
    const broken = await studio.api.rescanDataset({ datasetId });
    assert.equal(broken.removed, 1);
    assert.ok(broken.skipped.some((s) => s.path === 'a/a-3.png'));
    await writeImage(path.join(root, 'a', 'a-3.png'), { seed: 502 });
    const repaired = await studio.api.rescanDataset({ datasetId });
    assert.equal(repaired.added, 1);
    assert.ok(!repaired.skipped.some((s) => s.path === 'a/a-3.png'));
  });

  test('image ids stay stable across re-scans (later tables reference them)', async () => {
    const before = await studio.api.listImages({ datasetId, offset: 0, limit: 10 });
    await studio.api.rescanDataset({ datasetId });
    const after = await studio.api.listImages({ datasetId, offset: 0, limit: 10 });
    assert.deepEqual(after.images.map((i) => i.id), before.images.map((i) => i.id));
  });

  test('pages through images in path order', async () => {
    const first = await studio.api.listImages({ datasetId, offset: 0, limit: 2 });
    const second = await studio.api.listImages({ datasetId, offset: 2, limit: 2 });
    assert.equal(first.total, 4);
    const paths = [...first.images, ...second.images].map((i) => i.relPath);
    assert.deepEqual(paths, [...paths].sort());
    assert.equal(new Set(paths).size, 4);
  });
});

describe('adding folders', () => {
  test('the same folder added twice (also as path/ and through a symlink) is re-scanned, not duplicated', async () => {
    const root = path.join(tmp.path, 'twice');
    await writeLabelledFolder(root, { classes: { x: 2 } });
    await symlink(root, path.join(tmp.path, 'twice-link'));
    const first = await studio.api.addDataset({ path: root });
    const again = await studio.api.addDataset({ path: `${root}/` });
    const viaLink = await studio.api.addDataset({ path: path.join(tmp.path, 'twice-link') });
    assert.equal(again.datasetId, first.datasetId);
    assert.equal(viaLink.datasetId, first.datasetId);
    assert.equal(again.added, 0);
    assert.equal((await studio.api.listDatasets({})).filter((d) => d.path === root).length, 1);
  });

  test('a folder inside an existing dataset becomes its own dataset (documented choice)', async () => {
    const parent = path.join(tmp.path, 'parent');
    await writeLabelledFolder(parent, { classes: { inner: 2, other: 1 } });
    const outer = await studio.api.addDataset({ path: parent });
    const inner = await studio.api.addDataset({ path: path.join(parent, 'inner') });
    assert.notEqual(inner.datasetId, outer.datasetId);
    assert.equal(outer.images, 3);
    assert.equal(inner.images, 2);
  });

  test('a missing path and a path that is a file are refused with clear messages', async () => {
    const missing = path.join(tmp.path, 'no-such-folder');
    await assert.rejects(studio.api.addDataset({ path: missing }), (e: Error) => e.name === 'LibraryError' && e.message === `The folder '${missing}' does not exist.`);
    const file = await writeImage(path.join(tmp.path, 'lonely.png'));
    await assert.rejects(studio.api.addDataset({ path: file }), (e: Error) => e.name === 'LibraryError' && e.message.includes(`'${file}' is a file, not a folder`));
  });

  test('a dataset whose folder disappeared is marked missing and keeps its images', async () => {
    const root = path.join(tmp.path, 'unplugged');
    await writeLabelledFolder(root, { classes: { u: 3 } });
    const { datasetId } = await studio.api.addDataset({ path: root });
    await rm(root, { recursive: true });
    await assert.rejects(studio.api.rescanDataset({ datasetId }), /no longer exists/);
    const [summary] = (await studio.api.listDatasets({})).filter((d) => d.id === datasetId);
    assert.equal(summary!.status, 'missing');
    assert.match(summary!.error!, /no longer exists/);
    assert.equal(summary!.imageCount, 3);
  });

  test('removing a dataset forgets it but never touches the files', async () => {
    const root = path.join(tmp.path, 'removable');
    const files = await writeLabelledFolder(root, { classes: { r: 2 } });
    const { datasetId } = await studio.api.addDataset({ path: root });
    await studio.api.removeDataset({ datasetId });
    assert.ok(!(await studio.api.listDatasets({})).some((d) => d.id === datasetId));
    await assert.rejects(studio.api.listImages({ datasetId, offset: 0, limit: 1 }), /no dataset with id/);
    const { stat } = await import('node:fs/promises');
    for (const rel of files) assert.ok((await stat(path.join(root, rel))).isFile(), `${rel} must still exist`);
  });
});

describe('progress, cancel and changes during a scan', () => {
  test('progress goes listing → reading → done and ends with every file processed', async () => {
    const root = path.join(tmp.path, 'progress');
    await writeLabelledFolder(root, { classes: { p: 12 } });
    const events: ScanProgress[] = [];
    const off = studio.events.on('scanProgress', (p) => events.push(p));
    const result = await studio.api.addDataset({ path: root });
    off();
    const mine = events.filter((e) => e.datasetId === result.datasetId);
    assert.equal(mine[0]!.phase, 'listing');
    assert.ok(mine.some((e) => e.phase === 'reading'));
    const last = mine.at(-1)!;
    assert.equal(last.phase, 'done');
    assert.equal(last.processed, 12);
    assert.equal(last.total, 12);
  });

  test('a cancelled scan stops early, keeps what it recorded, and a later scan completes the job', async () => {
    const root = path.join(tmp.path, 'cancel');
    await writeLabelledFolder(root, { classes: { c: 1 } });
    const { datasetId } = await studio.api.addDataset({ path: root });
    await writeLabelledFolder(root, { classes: { d: 150 }, seedOffset: 1000 });
    let cancelled = false;
    const off = studio.events.on('scanProgress', (p) => {
      if (p.datasetId === datasetId && p.phase === 'reading' && p.processed > 1 && !cancelled) {
        cancelled = true;
        void studio.api.cancelScan({ datasetId });
      }
    });
    const partial = await studio.api.rescanDataset({ datasetId });
    off();
    assert.equal(partial.cancelled, true);
    assert.ok(partial.added < 150, `cancel should stop the scan early (added ${partial.added} of 150)`);
    assert.equal(partial.removed, 0, 'a cancelled scan must not conclude that unread files are gone');
    const full = await studio.api.rescanDataset({ datasetId });
    assert.equal(full.cancelled, false);
    assert.equal(full.images, 151);
    assert.equal(partial.added + full.added, 150);
  });

  test('a folder deleted during the scan: no error, nothing reported as skipped, and a re-scan removes what was caught', async () => {
    const root = path.join(tmp.path, 'vanishing');
    await writeLabelledFolder(root, { classes: { keep: 40, gone: 40 } });
    let deleted = false;
    const off = studio.events.on('scanProgress', (p) => {
      if (p.phase === 'reading' && p.processed >= 1 && !deleted) {
        deleted = true;
        rmSync(path.join(root, 'gone'), { recursive: true });
      }
    });
    const first = await studio.api.addDataset({ path: root });
    off();
    assert.ok(deleted);
    assert.ok(first.images >= 40 && first.images <= 80);
    assert.ok(!first.skipped.some((s) => s.path.startsWith('gone/')), 'deleted files are gone, not "skipped"');
    const second = await studio.api.rescanDataset({ datasetId: first.datasetId });
    assert.equal(second.images, 40);
    assert.equal(second.removed, first.images - 40);
  });
});
