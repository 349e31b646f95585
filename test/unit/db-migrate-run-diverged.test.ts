// Migration 0007: runs.diverged. A database with runs from before it (diverged runs told
// only by their reason's first words) gets the column filled from those words; new rows
// default to 0 and only 0/1 are accepted.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadMigrations, migrate } from '../../main/db/migrate.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-db-diverged-');
});
after(async () => {
  await tmp.remove();
});

test('0007 marks the runs whose reason says they diverged, and only those', () => {
  const db = new Database(path.join(tmp.path, 'old.sqlite'));
  try {
    const all = loadMigrations();
    const version = all.findIndex((m) => m.name === 'run_diverged') + 1;
    assert.equal(version, 7, 'the migration is 0007');
    migrate(db, 'old.sqlite', all.slice(0, version - 1));
    const experiment = db
      .prepare("INSERT INTO experiments (dataset_id, dataset_name, name, config_json, created_at, updated_at) VALUES (NULL, 'gone', 'e', '{}', 't', 't') RETURNING id")
      .get() as { id: number };
    const insert = db.prepare("INSERT INTO runs (experiment_id, status, reason, run_dir, epochs, queued_at) VALUES (?, ?, ?, '/r', 1, 't') RETURNING id");
    const run = (status: string, reason: string | null) => (insert.get(experiment.id, status, reason) as { id: number }).id;
    const diverged = run('failed', 'The training diverged: the loss became NaN at step 3; … Resuming would diverge again …');
    const otherFailure = run('failed', 'out of memory: the training diverged from what fits');
    const done = run('done', 'trained 1 epochs (2 steps)');
    const noReason = run('queued', null);

    assert.deepEqual(migrate(db, 'old.sqlite', all), all.slice(version - 1).map((m) => m.version));
    const flags = new Map((db.prepare('SELECT id, diverged FROM runs').all() as { id: number; diverged: number }[]).map((r) => [r.id, r.diverged]));
    assert.deepEqual([flags.get(diverged), flags.get(otherFailure), flags.get(done), flags.get(noReason)], [1, 0, 0, 0]);
    assert.throws(() => db.prepare('UPDATE runs SET diverged = 2 WHERE id = ?').run(done), /CHECK constraint failed/);
  } finally {
    db.close();
  }
});
