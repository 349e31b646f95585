// The catalogue's SQL on a real SQLite file: counts stay right across this and other
// connections' writes (checked against a real COUNT(*) after every kind of write,
// including real scans), and the grid's page query only reads the covering index.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadMigrations, migrate } from '../../main/db/migrate.ts';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { Catalogue, IMAGE_PAGE_SQL } from '../../main/services/library/catalogue.ts';
import { createInProcessImageTasks } from '../../main/services/library/image-tasks.ts';
import { DAMAGE_NOTICE_MS, LibraryService } from '../../main/services/library/library-service.ts';
import { createTempDir, writeImage, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

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
const skipped = (relPath: string) => ({ status: 'skipped' as const, relPath, size: 1, mtimeMs: 1, reason: `'${relPath}' is not an image.` });

/** Every dataset's [id, usable, skipped] counted the slow, sure way. */
function realCounts(database: Database.Database): [number, number, number][] {
  return database
    .prepare(
      `SELECT d.id AS id,
         (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.status = 'ok') AS ok,
         (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.status = 'skipped') AS skipped
       FROM datasets d ORDER BY d.added_at, d.id`,
    )
    .all()
    .map((r) => {
      const row = r as { id: number; ok: number; skipped: number };
      return [row.id, row.ok, row.skipped];
    });
}

/** The catalogue's counts (listDatasets and countImages) equal COUNT(*) for every dataset; returns them. */
function assertCountsExact(cat: Catalogue, database: Database.Database, when: string): [number, number, number][] {
  const real = realCounts(database);
  assert.deepEqual(cat.listDatasets().map((d) => [d.id, d.imageCount, d.skippedCount]), real, `listDatasets ${when}`);
  assert.deepEqual(real.map(([id]) => [id, cat.countImages(id)]), real.map(([id, ok]) => [id, ok]), `countImages ${when}`);
  return real;
}

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

  test('counts equal COUNT(*) after adds, changes both ways, removals and a dataset removal', () => {
    const a = catalogue.createDataset('/counted-a', 'a');
    const b = catalogue.createDataset('/counted-b', 'b');
    assertCountsExact(catalogue, db, 'for new empty datasets');
    catalogue.transaction(() => {
      for (let i = 0; i < 20; i++) catalogue.saveFile(a, i % 5 === 0 ? skipped(`f${i}`) : image(`f${i}`));
      for (let i = 0; i < 7; i++) catalogue.saveFile(b, image(`g${i}`));
    });
    assert.deepEqual(assertCountsExact(catalogue, db, 'after adds').filter(([id]) => id === a || id === b), [[a, 16, 4], [b, 7, 0]]);
    catalogue.saveFile(a, skipped('f1')); // ok → skipped
    catalogue.saveFile(a, image('f5')); // skipped → ok
    catalogue.saveFile(a, { ...image('f2'), size: 99, contentHash: 'e'.repeat(64) }); // ok, other content
    catalogue.saveFile(a, skipped('f10')); // skipped, again
    assert.deepEqual(assertCountsExact(catalogue, db, 'after changes').find(([id]) => id === a), [a, 16, 4]);
    for (const known of catalogue.knownFilesPage(a, 0, 100).filter((f) => ['f3', 'f1', 'f15'].includes(f.relPath))) catalogue.deleteFile(known.id);
    assert.deepEqual(assertCountsExact(catalogue, db, 'after removals').find(([id]) => id === a), [a, 15, 2]); // f3 was usable, f1 and f15 skipped
    // A write that fails inside a transaction is rolled back with its counts.
    assert.throws(() => catalogue.transaction(() => {
      catalogue.saveFile(b, image('rolled-back'));
      throw new Error('stop');
    }), /stop/);
    catalogue.deleteDataset(a);
    assert.deepEqual(assertCountsExact(catalogue, db, 'after removing a dataset').find(([id]) => id === b), [b, 7, 0]);
    assert.equal(catalogue.countImages(a), 0, 'a removed dataset has no images');
  });

  test('markDamaged moves the catalogued version of a file to the skipped list, and leaves a newer version alone', () => {
    const id = catalogue.createDataset('/damaged-later', 'damaged-later');
    catalogue.transaction(() => {
      for (const rel of ['a.jpg', 'b.jpg', 'c.jpg']) catalogue.saveFile(id, image(rel));
    });
    const a = catalogue.image(id, 'a.jpg')!;
    const b = catalogue.image(id, 'b.jpg')!;
    assert.equal(catalogue.markDamaged(a, "'a.jpg' is damaged."), true);
    assert.equal(catalogue.image(id, 'a.jpg'), undefined, 'no longer a usable image');
    assert.deepEqual(catalogue.skippedFiles(id), [{ path: 'a.jpg', reason: "'a.jpg' is damaged." }]);
    assert.equal(catalogue.markDamaged(a, 'again'), false, 'already skipped: nothing changes');
    // b was re-scanned (a new version) after the thumbnail pass read it: that pass's verdict is stale.
    catalogue.saveFile(id, { ...image('b.jpg'), size: 11, mtimeMs: 2 });
    assert.equal(catalogue.markDamaged(b, "'b.jpg' is damaged."), false);
    assert.ok(catalogue.image(id, 'b.jpg'));
    assert.deepEqual(assertCountsExact(catalogue, db, 'after markDamaged').find(([dataset]) => dataset === id), [id, 2, 1]);
  });

  test('LibraryService.markDamaged gathers its datasetsChanged notices: many files found at once, one refresh', async () => {
    const id = catalogue.createDataset('/many-damaged', 'many-damaged');
    catalogue.transaction(() => {
      for (let i = 0; i < 30; i++) catalogue.saveFile(id, image(`d${i}.jpg`));
    });
    let notices = 0;
    const service = new LibraryService(catalogue, createInProcessImageTasks(), { onDatasetsChanged: () => notices++ });
    const records = Array.from({ length: 30 }, (_, i) => catalogue.image(id, `d${i}.jpg`)!);
    for (const record of records) service.markDamaged(record, 'libpng read error');
    assert.equal(notices, 0, 'not one per file');
    await new Promise((resolve) => setTimeout(resolve, DAMAGE_NOTICE_MS + 100));
    assert.equal(notices, 1);
    assert.equal(catalogue.skippedFiles(id).length, 30);
    assert.match(catalogue.skippedFiles(id)[0]!.reason, /'d0\.jpg' looks like a PNG image but is damaged or incomplete.*libpng read error/);
    // Nothing changed (already skipped): no notice at all.
    service.markDamaged(records[0]!, 'again');
    await new Promise((resolve) => setTimeout(resolve, DAMAGE_NOTICE_MS + 100));
    assert.equal(notices, 1);
  });

  test('counts equal COUNT(*) through real scans: first scan, re-scan with changes, another connection, removal', async () => {
    const file2 = path.join(tmp.path, 'scans.sqlite');
    const database = openDatabase(file2);
    const cat = new Catalogue(database);
    const tasks = createInProcessImageTasks();
    const library = new LibraryService(cat, tasks);
    try {
      const root = path.join(tmp.path, 'scanned');
      await writeLabelledFolder(root, { classes: { cats: 6, dogs: 5 }, size: 16 });
      await writeFile(path.join(root, 'readme.txt'), 'not an image');
      await writeFile(path.join(root, 'broken.png'), 'not a png either');
      const first = await library.addFolder(root);
      assert.deepEqual(assertCountsExact(cat, database, 'after the first scan'), [[first.datasetId, 11, 2]]);

      await rm(path.join(root, 'cats', (await library.listImages(first.datasetId, 0, 1)).images[0]!.relPath.split('/')[1]!)); // removed
      await writeFile(path.join(root, 'dogs', 'dogs-0.png'), 'now damaged'); // ok → skipped
      await writeImage(path.join(root, 'broken.png'), { width: 8, height: 8 }); // skipped → ok
      await writeImage(path.join(root, 'new', 'fresh.png'), { width: 9, height: 9 }); // added
      await library.rescan(first.datasetId);
      assert.deepEqual(assertCountsExact(cat, database, 'after a re-scan with changes'), [[first.datasetId, 11, 2]]);

      const other = openDatabase(file2); // e.g. the CLI writing while the app is open
      other.prepare("DELETE FROM images WHERE rel_path = 'new/fresh.png'").run();
      other.close();
      assert.deepEqual(assertCountsExact(cat, database, 'after another connection deleted a row'), [[first.datasetId, 10, 2]]);

      await library.rescan(first.datasetId);
      assert.deepEqual(assertCountsExact(cat, database, 'after a re-scan put it back'), [[first.datasetId, 11, 2]]);
      await library.remove(first.datasetId);
      assert.deepEqual(assertCountsExact(cat, database, 'after removing the dataset'), []);
    } finally {
      await tasks.close();
      database.close();
    }
  });

  test('migration 0006 counts the rows stored before it', () => {
    const old = new Database(path.join(tmp.path, 'before-0006.sqlite'));
    try {
      const migrations = loadMigrations();
      const v6 = migrations.findIndex((m) => m.version === 6);
      assert.ok(v6 > 0, 'migration 0006 exists');
      migrate(old, 'before-0006.sqlite', migrations.slice(0, v6));
      const addDataset = old.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES (?, ?, 'ready', '2026-01-01')");
      const [p, q, empty] = ['/p', '/q', '/empty'].map((root) => Number(addDataset.run(root, root.slice(1)).lastInsertRowid));
      const addOk = old.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, content_hash, width, height, format, status) VALUES (?, ?, 1, 1, 'h', 1, 1, 'png', 'ok')");
      const addSkipped = old.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, status, reason) VALUES (?, ?, 1, 1, 'skipped', 'r')");
      for (let i = 0; i < 5; i++) addOk.run(p, `p${i}`);
      for (let i = 0; i < 2; i++) addSkipped.run(p, `s${i}`);
      addSkipped.run(q, 'only-skipped');
      migrate(old, 'before-0006.sqlite', migrations);
      const counts = old.prepare('SELECT id, image_count, skipped_count FROM datasets ORDER BY id').all();
      assert.deepEqual(counts, [
        { id: p, image_count: 5, skipped_count: 2 },
        { id: q, image_count: 0, skipped_count: 1 },
        { id: empty, image_count: 0, skipped_count: 0 },
      ]);
      assert.deepEqual(assertCountsExact(new Catalogue(old as Db), old, 'after migrating'), [[p, 5, 2], [q, 0, 1], [empty, 0, 0]]);
    } finally {
      old.close();
    }
  });

  test('the grid page query reads only the covering index, even far into a big dataset', () => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${IMAGE_PAGE_SQL}`).all(1, 100, 99_000) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING COVERING INDEX images_grid/);
  });
});
