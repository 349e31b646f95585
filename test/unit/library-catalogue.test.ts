// The catalogue's SQL on a real SQLite file: counts stay right across this and other
// connections' writes, and the grid's page query only reads the covering index.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { Catalogue, IMAGE_PAGE_SQL } from '../../main/services/library/catalogue.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let file: string;
let db: Db;
let catalogue: Catalogue;
before(async () => {
  tmp = await createTempDir('simclr-catalogue-');
  file = path.join(tmp.path, 'studio.sqlite');
  db = openDatabase(file);
  catalogue = new Catalogue(db);
});
after(async () => {
  db.close();
  await tmp.remove();
});

const image = (relPath: string) => ({ status: 'ok' as const, relPath, size: 10, mtimeMs: 1, contentHash: 'f'.repeat(64), width: 2, height: 3, format: 'png' });

describe('Catalogue', () => {
  test('counts follow our own writes and other connections’ commits', () => {
    const id = catalogue.createDataset('/photos', 'photos');
    catalogue.transaction(() => {
      for (const rel of ['b.png', 'a.png', 'c.png']) catalogue.saveFile(id, image(rel));
      catalogue.saveFile(id, { status: 'skipped', relPath: 'x.txt', size: 1, mtimeMs: 1, reason: "'x.txt' is not an image." });
    });
    assert.equal(catalogue.countImages(id), 3);
    assert.deepEqual(catalogue.listDatasets().map((d) => [d.imageCount, d.skippedCount]), [[3, 1]]);

    const other = openDatabase(file); // e.g. the CLI scanning while the app is open
    other.prepare("DELETE FROM images WHERE rel_path = 'c.png'").run();
    other.close();
    assert.equal(catalogue.countImages(id), 2);

    catalogue.saveFile(id, image('d.png'));
    assert.equal(catalogue.countImages(id), 3);
    assert.deepEqual(catalogue.imagePage(id, 0, 10).map((i) => i.relPath), ['a.png', 'b.png', 'd.png']);
  });

  test('the grid page query reads only the covering index, even far into a big dataset', () => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${IMAGE_PAGE_SQL}`).all(1, 100, 99_000) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING COVERING INDEX images_grid/);
  });
});
