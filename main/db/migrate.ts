// Schema migrations: numbered SQL files in ./migrations (NNNN_name.sql), each applied
// in one transaction together with `PRAGMA user_version = NNNN`, so a migration is
// either fully applied and recorded or not at all. A database whose user_version is
// above the newest migration we know came from a newer app and is refused, because
// writing to it could damage what that version stored.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { DatabaseTooNewError } from './errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and checks the migration files: versions must run 1, 2, 3 … without gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`migration file '${file}' in ${dir} must be named NNNN_name.sql (lowercase, digits, underscores)`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(path.join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations in ${dir} must be numbered 0001, 0002, … without gaps or duplicates; found ${String(m.version).padStart(4, '0')}_${m.name}.sql at position ${i + 1}`);
  });
  return migrations;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the database's user_version, each in its own
 * transaction. `label` names the database in messages (its file path).
 * Returns the versions applied.
 */
export function migrate(db: Database.Database, label: string = db.name, migrations: Migration[] = loadMigrations()): number[] {
  const current = assertSupportedVersion(db, label, migrations);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      // PRAGMA does not take bound parameters; the version is an integer we parsed.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}

/**
 * Throws DatabaseTooNewError if the database's schema is newer than the newest
 * migration we have; returns its version otherwise. Reads only: call it before
 * anything that writes (even `journal_mode = WAL` rewrites the file header).
 */
export function assertSupportedVersion(db: Database.Database, label: string, migrations: Migration[] = loadMigrations()): number {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DatabaseTooNewError(
      `The catalogue database '${label}' was written by a newer version of SimCLR Studio (schema version ${current}; ` +
        `this version understands up to ${latest}). Update SimCLR Studio, or use another data folder. The file was not changed.`,
    );
  }
  return current;
}
