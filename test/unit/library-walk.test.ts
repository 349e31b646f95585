// listFolder on real folders: order, what is ignored, what is reported, and symlinks.
import assert from 'node:assert/strict';
import { link, mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listFolder, RootUnavailableError, type ListedEntry } from '../../main/services/library/walk.ts';
import { createTempDir, writeImage, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-walk-');
});
after(async () => {
  await tmp.remove();
});

const paths = (entries: ListedEntry[], kind: ListedEntry['kind']) => entries.filter((e) => e.kind === kind).map((e) => e.relPath);

describe('listFolder', () => {
  test("lists each folder's files in name order, then its sub-folders; ignores hidden and system entries", async () => {
    await mkdir(path.join(tmp.path, 'order'));
    const root = await realpath(path.join(tmp.path, 'order'));
    for (const rel of ['b/2.png', 'a/z.png', 'a/sub/y.png', 'c.png', '.git/x.png', 'Thumbs.db', '$RECYCLE.BIN/r.png', 'a/.hidden.png', '__MACOSX/m.png']) {
      await writeImage(path.join(root, rel));
    }
    const entries = await listFolder(root);
    assert.deepEqual(paths(entries, 'file'), ['c.png', 'a/z.png', 'a/sub/y.png', 'b/2.png']);
    assert.deepEqual(paths(entries, 'problem'), []);
    const c = entries.find((e) => e.relPath === 'c.png');
    assert.ok(c?.kind === 'file' && c.size > 0 && c.mtimeMs > 0);
  });

  test('a link back to a parent folder is reported, never followed (no loop)', async () => {
    const root = path.join(tmp.path, 'loop');
    await writeImage(path.join(root, 'deep', 'x.png'));
    await symlink(root, path.join(root, 'deep', 'back-to-root'));
    await symlink('.', path.join(root, 'self'));
    const entries = await listFolder(await realpath(root));
    assert.deepEqual(paths(entries, 'file'), ['deep/x.png']);
    assert.deepEqual(paths(entries, 'problem').sort(), ['deep/back-to-root', 'self']);
  });

  test('a file linked twice inside the folder is listed once; the second name is reported as a duplicate', async () => {
    const root = path.join(tmp.path, 'dupes');
    await writeImage(path.join(root, 'a.png'));
    await link(path.join(root, 'a.png'), path.join(root, 'b-hardlink.png'));
    await symlink(path.join(root, 'a.png'), path.join(root, 'c-symlink.png'));
    const entries = await listFolder(await realpath(root));
    assert.deepEqual(paths(entries, 'file'), ['a.png']);
    const problems = entries.filter((e) => e.kind === 'problem');
    assert.deepEqual(problems.map((p) => p.relPath), ['b-hardlink.png', 'c-symlink.png']);
    for (const p of problems) assert.match(p.kind === 'problem' ? p.reason : '', /another name \(a link\) for 'a\.png'/);
  });

  test('a missing root and a root that is a file raise RootUnavailableError with a clear message', async () => {
    await assert.rejects(listFolder(path.join(tmp.path, 'nope')), (e: Error) => e instanceof RootUnavailableError && /no longer exists/.test(e.message));
    const file = path.join(tmp.path, 'plain.txt');
    await writeFile(file, 'x');
    await assert.rejects(listFolder(file), (e: Error) => e instanceof RootUnavailableError && /is a file, not a folder/.test(e.message));
    // Only a root that does not exist is `missing` (an unplugged drive keeps its images); a file in its place is an error.
    await assert.rejects(listFolder(path.join(tmp.path, 'nope')), (e: Error) => e instanceof RootUnavailableError && e.missing);
    await assert.rejects(listFolder(file), (e: Error) => e instanceof RootUnavailableError && !e.missing);
  });

  test('an aborted listing stops with the abort reason', async () => {
    const root = path.join(tmp.path, 'abort');
    await writeImage(path.join(root, 'x.png'));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(listFolder(root, { signal: controller.signal }), { name: 'AbortError' });
  });
});
