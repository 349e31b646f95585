// Where explorer exports may go (real folders): a file target needs an existing folder
// and must not be a folder; a copy/encoder target must be new or empty; nothing of the
// user's is ever overwritten. And the memory cap of a loaded set refuses clearly.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkFileTarget, prepareEmptyFolder } from '../../main/services/explorer/export-targets.ts';
import { EmbeddingFiles } from '../../main/services/explorer/embedding-files.ts';
import { readFreshVectors } from '../../main/services/explorer/loaded-set.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-export-targets-');
});
after(async () => {
  await tmp.remove();
});

test('file targets: folder must exist, a folder is not a file name, the folder is left clean', async () => {
  const ok = path.join(tmp.path, 'out.csv');
  assert.equal(await checkFileTarget(ok), ok);
  await assert.rejects(checkFileTarget(path.join(tmp.path, 'missing', 'out.csv')), /the folder .*missing does not exist/);
  await assert.rejects(checkFileTarget(tmp.path), /it is a folder; choose a file name/);
  assert.deepEqual(await fs.readdir(tmp.path), []); // the write probe is gone
});

test('folder targets: created when new, accepted when empty, refused when not empty or a file', async () => {
  const fresh = path.join(tmp.path, 'fresh');
  assert.equal(await prepareEmptyFolder(fresh), fresh);
  assert.deepEqual(await fs.readdir(fresh), []);
  assert.equal(await prepareEmptyFolder(fresh), fresh); // empty: fine
  await fs.writeFile(path.join(fresh, 'keep.jpg'), 'mine');
  await assert.rejects(prepareEmptyFolder(fresh), /the folder is not empty \(1 item\)/);
  assert.equal(await fs.readFile(path.join(fresh, 'keep.jpg'), 'utf8'), 'mine');
  await assert.rejects(prepareEmptyFolder(path.join(fresh, 'keep.jpg')), /it is a file, not a folder/);
  await assert.rejects(prepareEmptyFolder(path.join(tmp.path, 'a', 'b')), /the folder .*a does not exist/);
});

test('a set larger than the memory cap is refused with its size, not loaded', async () => {
  const files = new EmbeddingFiles(tmp.path);
  const set = { id: 3, runId: 1, datasetId: 1, encoder: 'trained', checkpoint: 'last', checkpointStep: 1, checkpointStamp: 's', dim: 512, file: 'set-3-x.f32', status: 'ready' } as const;
  const rows = Array.from({ length: 1000 }, (_, i) => ({ imageId: i + 1, row: i, relPath: `${i}.png` }));
  await assert.rejects(readFreshVectors(files, set, rows, 1024 * 1024), /holds 1,000 vectors of 512 values \(2 MB\), more than the explorer keeps in memory \(1 MB\)/);
});
