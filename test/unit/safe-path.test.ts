// resolveInsideDataset: the gate between a path from the renderer or a URL and the
// disk. Everything that could leave the dataset folder must be refused.
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkRelativePath, isInside, resolveInsideDataset, UnsafePathError } from '../../main/services/safe-path.ts';
import { createTempDir, writeImage, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let root: string;
before(async () => {
  tmp = await createTempDir('simclr-safe-');
  root = path.join(tmp.path, 'dataset');
  await writeImage(path.join(root, 'a', 'cat 🐱.png'));
  await writeImage(path.join(root, 'inside.png'), { seed: 1 });
  await writeImage(path.join(tmp.path, 'secret.png'), { seed: 2 });
  await symlink(path.join(tmp.path, 'secret.png'), path.join(root, 'escape.png'));
  await symlink(path.join(root, 'inside.png'), path.join(root, 'alias.png'));
  await mkdir(path.join(tmp.path, 'elsewhere'));
  await symlink(path.join(tmp.path, 'elsewhere'), path.join(root, 'escape-dir'));
  await writeImage(path.join(tmp.path, 'elsewhere', 'x.png'), { seed: 3 });
});
after(async () => {
  await tmp.remove();
});

const rejects = (relPath: string, pattern: RegExp) =>
  assert.rejects(resolveInsideDataset(root, relPath), (error: Error) => error instanceof UnsafePathError && pattern.test(error.message));

describe('resolveInsideDataset', () => {
  test('resolves plain, nested and unicode paths to real files inside the root', async () => {
    assert.equal(await resolveInsideDataset(root, 'inside.png'), path.join(root, 'inside.png'));
    assert.equal(await resolveInsideDataset(root, 'a/cat 🐱.png'), path.join(root, 'a', 'cat 🐱.png'));
  });

  test('follows a symlink that stays inside the root', async () => {
    assert.equal(await resolveInsideDataset(root, 'alias.png'), path.join(root, 'inside.png'));
  });

  test("rejects '..' anywhere, even when it would land back inside", async () => {
    await rejects('../secret.png', /'\.\.'/);
    await rejects('a/../inside.png', /'\.\.'/);
  });

  test('rejects absolute paths and NUL bytes', async () => {
    await rejects(path.join(root, 'inside.png'), /absolute/);
    await rejects('/etc/passwd', /absolute/);
    await rejects('inside.png\0.jpg', /NUL/);
    await rejects('', /empty/);
  });

  test('rejects symlinks (to files or through folders) that lead outside the root', async () => {
    await rejects('escape.png', /outside/);
    await rejects('escape-dir/x.png', /outside/);
  });

  test('a missing file is a file-system error, not a security error', async () => {
    await assert.rejects(resolveInsideDataset(root, 'nope.png'), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
  });
});

describe('checkRelativePath', () => {
  test('on Windows, backslashes separate and drive letters are absolute', () => {
    assert.throws(() => checkRelativePath('..\\secret.png', 'win32'), UnsafePathError);
    assert.throws(() => checkRelativePath('C:\\Windows\\x.png', 'win32'), /absolute/);
    assert.throws(() => checkRelativePath('\\\\server\\share\\x.png', 'win32'), /absolute/);
    assert.deepEqual(checkRelativePath('a\\b.png', 'win32'), ['a', 'b.png']);
  });

  test('on POSIX a backslash is an ordinary character of a file name', () => {
    assert.deepEqual(checkRelativePath('a\\b.png', 'linux'), ['a\\b.png']);
  });

  test("rejects empty and '.' segments", () => {
    assert.throws(() => checkRelativePath('a//b.png', 'linux'), /clean relative path/);
    assert.throws(() => checkRelativePath('./b.png', 'linux'), /clean relative path/);
  });
});

describe('isInside', () => {
  test('a sibling whose name starts like the root is not inside it', () => {
    assert.equal(isInside('/data/photos', '/data/photos-private/x.png', path.posix), false);
    assert.equal(isInside('/data/photos', '/data/photos/x.png', path.posix), true);
    assert.equal(isInside('/data/photos', '/data/photos', path.posix), true);
  });
});
