// Natural order of the library grid on a real SQLite catalogue: the key computed at
// insert (natural-sort.ts), the same key computed in SQL by migration 0005 for rows
// that existed before it, and the page query still served by the covering index.
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, test } from 'node:test';
import { loadMigrations, migrate } from '../../main/db/migrate.ts';
import { openDatabase } from '../../main/db/open.ts';
import { Catalogue, IMAGE_PAGE_SQL } from '../../main/services/library/catalogue.ts';
import { naturalSortKey } from '../../main/services/library/natural-sort.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

/** Names that exercise every branch: digit runs at start, middle, end; leading zeros; case; non-ASCII; long runs. */
const TRICKY = [
  'img10.png', 'img2.png', 'IMG1.png', 'img02.png', 'img007.jpg', 'img7.jpg', '10.png', '9.png', '0.png', '000.png',
  'a/b10/c2.png', 'a/b9/c10.png', 'Zebra.png', 'apple.png', 'Élan3.png', 'élan20.png', 'x_1.png', 'x1.png', 'x-1.png',
  'photo 2024-01-02 10.30.05.jpg', 'n12345678901234567890.png', 'n999.png', 'émoji😀1.png', '',
];

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-sort-');
});
after(async () => {
  await tmp.remove();
});

const image = (relPath: string) => ({ status: 'ok' as const, relPath, size: 10, mtimeMs: 1, contentHash: 'f'.repeat(64), width: 2, height: 3, format: 'png' });

describe('natural order of the library', () => {
  test('the key orders numbers by value and ignores ASCII case', () => {
    assert.equal(naturalSortKey('img2.png'), 'img012.png');
    assert.equal(naturalSortKey('IMG10.png'), 'img0210.png');
    assert.equal(naturalSortKey('img007'), 'img017');
    assert.equal(naturalSortKey('000'), '010');
    const sorted = ['img10.png', 'img2.png', 'IMG1.png', 'b.png', 'A.png'].sort((a, b) => (naturalSortKey(a) < naturalSortKey(b) ? -1 : 1));
    assert.deepEqual(sorted, ['A.png', 'b.png', 'IMG1.png', 'img2.png', 'img10.png']);
  });

  test('migration 0005 computes the same key in SQL for rows stored before it', () => {
    const file = path.join(tmp.path, 'old.sqlite');
    const db = new Database(file);
    try {
      const migrations = loadMigrations();
      const v5 = migrations.findIndex((m) => m.version === 5);
      assert.ok(v5 > 0, 'migration 0005 exists');
      migrate(db, file, migrations.slice(0, v5)); // a catalogue from before natural order
      const datasetId = Number(db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/p', 'p', 'ready', '2026-01-01')").run().lastInsertRowid);
      const insert = db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, content_hash, width, height, format, status) VALUES (?, ?, 1, 1, 'h', 1, 1, 'png', 'ok')");
      for (const rel of TRICKY) insert.run(datasetId, rel);
      migrate(db, file, migrations);
      const rows = db.prepare('SELECT rel_path, sort_key FROM images ORDER BY id').all() as { rel_path: string; sort_key: string }[];
      assert.equal(rows.length, TRICKY.length);
      for (const row of rows) assert.equal(row.sort_key, naturalSortKey(row.rel_path), `key of '${row.rel_path}'`);
    } finally {
      db.close();
    }
  });

  test('listImages pages in natural order through the covering index', () => {
    const file = path.join(tmp.path, 'new.sqlite');
    const db = openDatabase(file);
    try {
      const catalogue = new Catalogue(db);
      const id = catalogue.createDataset('/photos', 'photos');
      catalogue.transaction(() => {
        for (const rel of ['img10.png', 'img2.png', 'IMG1.png', 'img3.png', 'b.png', 'A.png', 'sub/x10.png', 'sub/x9.png']) catalogue.saveFile(id, image(rel));
      });
      const order = ['A.png', 'b.png', 'IMG1.png', 'img2.png', 'img3.png', 'img10.png', 'sub/x9.png', 'sub/x10.png'];
      assert.deepEqual(catalogue.imagePage(id, 0, 100).map((i) => i.relPath), order);
      // Pages are consecutive slices of that order.
      assert.deepEqual([...catalogue.imagePage(id, 0, 3), ...catalogue.imagePage(id, 3, 3), ...catalogue.imagePage(id, 6, 3)].map((i) => i.relPath), order);
      // A re-scan that updates a row keeps its key.
      catalogue.saveFile(id, { ...image('img2.png'), size: 99 });
      assert.deepEqual(catalogue.imagePage(id, 0, 100).map((i) => i.relPath), order);

      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${IMAGE_PAGE_SQL}`).all(id, 100, 99_000) as { detail: string }[]).map((p) => p.detail).join('\n');
      assert.match(plan, /USING COVERING INDEX images_grid/);
      assert.doesNotMatch(plan, /TEMP B-TREE/, 'the order comes from the index, not a sort');
    } finally {
      db.close();
    }
  });
});
