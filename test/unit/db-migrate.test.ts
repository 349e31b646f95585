// The catalogue database: pragmas, STRICT tables, cascade, migrations applied
// atomically and tracked by user_version, newer and corrupt databases refused with a
// message naming the file (and left byte-for-byte untouched).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseCorruptError, DatabaseTooNewError } from '../../main/db/errors.ts';
import { loadMigrations, migrate, schemaVersion } from '../../main/db/migrate.ts';
import { openDatabase } from '../../main/db/open.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-db-');
});
after(async () => {
  await tmp.remove();
});

describe('openDatabase', () => {
  test('creates the schema with WAL, foreign keys and the latest user_version', () => {
    const db = openDatabase(path.join(tmp.path, 'fresh.sqlite'));
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(schemaVersion(db), loadMigrations().at(-1)!.version);
      const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
      const names = tables.map((t) => t.name);
      assert.ok(names.includes('datasets') && names.includes('images'), `library tables missing: ${names.join(', ')}`);
      // Every table of every migration (0002+ come from other features) must be STRICT.
      for (const t of tables) assert.match(t.sql, /\)\s*(WITHOUT ROWID\s*,\s*)?STRICT(\s*,\s*WITHOUT ROWID)?$/, `${t.name} must be a STRICT table`);
    } finally {
      db.close();
    }
  });

  test('STRICT types, status checks and ON DELETE CASCADE are enforced', () => {
    const db = openDatabase(path.join(tmp.path, 'rules.sqlite'));
    try {
      const id = (db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/a', 'a', 'ready', 'now') RETURNING id").get() as { id: number }).id;
      assert.throws(() => db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/a', 'again', 'ready', 'now')").run(), /UNIQUE/);
      assert.throws(() => db.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/b', 'b', 'bogus', 'now')").run(), /CHECK/);
      assert.throws(
        () => db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, status, reason) VALUES (?, 'x', 'big', 0, 'skipped', 'r')").run(id),
        /cannot store TEXT value in INTEGER column/,
      );
      // An 'ok' image needs its hash and size.
      assert.throws(() => db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, status) VALUES (?, 'y', 1, 0, 'ok')").run(id), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, status, reason) VALUES (999, 'z', 1, 0, 'skipped', 'r')").run(), /FOREIGN KEY/);
      db.prepare("INSERT INTO images (dataset_id, rel_path, size, mtime_ms, content_hash, width, height, format, status) VALUES (?, 'ok.png', 10, 1.5, 'h', 2, 3, 'png', 'ok')").run(id);
      db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
      assert.equal((db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });

  test('re-opening an up-to-date database applies nothing and keeps the data', () => {
    const file = path.join(tmp.path, 'reopen.sqlite');
    const first = openDatabase(file);
    first.prepare("INSERT INTO datasets (root, name, status, added_at) VALUES ('/keep', 'keep', 'ready', 'now')").run();
    first.close();
    const second = openDatabase(file);
    try {
      assert.deepEqual(migrate(second), []);
      assert.equal((second.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n, 1);
    } finally {
      second.close();
    }
  });

  test('a database from a newer version is refused, naming the file, and not changed', async () => {
    const file = path.join(tmp.path, 'newer.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const bytes = await readFile(file);
    assert.throws(
      () => openDatabase(file),
      (error: Error) => error instanceof DatabaseTooNewError && error.message.includes(file) && /newer version/.test(error.message) && error.message.includes('999'),
    );
    assert.deepEqual(await readFile(file), bytes);
  });

  test('a corrupt database file gives a clear message naming it and is left untouched', async () => {
    const file = path.join(tmp.path, 'corrupt.sqlite');
    const garbage = Buffer.from('this is not a database, just some text that a user saved here by mistake\n'.repeat(100));
    await writeFile(file, garbage);
    assert.throws(
      () => openDatabase(file),
      (error: Error) => error instanceof DatabaseCorruptError && error.message.includes(file) && /damaged|not a SimCLR Studio database/.test(error.message),
    );
    assert.deepEqual(await readFile(file), garbage);
  });

  test('a folder where the database should be gives a message naming the path', async () => {
    const file = path.join(tmp.path, 'is-a-folder.sqlite');
    await mkdir(file);
    assert.throws(() => openDatabase(file), (error: Error) => error.message.includes(file));
  });
});

describe('migrate', () => {
  test('a failing migration is rolled back entirely and the version stays', async () => {
    const dir = path.join(tmp.path, 'migrations-bad');
    await mkdir(dir);
    await writeFile(path.join(dir, '0001_one.sql'), 'CREATE TABLE one (x INTEGER) STRICT;');
    await writeFile(path.join(dir, '0002_two.sql'), 'CREATE TABLE two (x INTEGER) STRICT;\nINSERT INTO no_such_table VALUES (1);');
    const db = new Database(':memory:');
    try {
      assert.throws(() => migrate(db, 'memory', loadMigrations(dir)), /no_such_table/);
      assert.equal(schemaVersion(db), 1);
      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      assert.deepEqual(names, ['one'], 'table two must not exist after the rollback');
    } finally {
      db.close();
    }
  });

  test('migration files must be numbered without gaps and named NNNN_name.sql', async () => {
    const gap = path.join(tmp.path, 'migrations-gap');
    await mkdir(gap);
    await writeFile(path.join(gap, '0001_one.sql'), 'SELECT 1;');
    await writeFile(path.join(gap, '0003_three.sql'), 'SELECT 1;');
    assert.throws(() => loadMigrations(gap), /without gaps/);
    const badName = path.join(tmp.path, 'migrations-name');
    await mkdir(badName);
    await writeFile(path.join(badName, '1_one.sql'), 'SELECT 1;');
    assert.throws(() => loadMigrations(badName), /NNNN_name\.sql/);
  });

  test('the shipped migrations start at 0001_library', () => {
    const migrations = loadMigrations();
    assert.equal(migrations[0]!.version, 1);
    assert.equal(migrations[0]!.name, 'library');
  });
});
