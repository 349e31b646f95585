// Opens the catalogue database with the pragmas the app relies on, and turns SQLite's
// terse failures into messages that name the file. Never deletes or replaces the file:
// a damaged catalogue is the user's data and may be recoverable.
import Database from 'better-sqlite3';
import { DatabaseCorruptError, DatabaseOpenError } from './errors.ts';
import { assertSupportedVersion, loadMigrations, migrate } from './migrate.ts';

export type Db = Database.Database;

/** SQLite result codes that mean "this file is not a usable database". */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Milliseconds a statement waits for another connection's lock (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if missing) the SQLite catalogue at `file`: WAL journal (readers do
 * not block the writer), foreign keys enforced, a busy timeout instead of instant
 * SQLITE_BUSY, then migrated to the current schema.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw describeOpenError(file, error);
  }
  try {
    // Reading the version is the first statement that touches the file: a non-database
    // fails here, and a newer database is refused before anything is written to it.
    const migrations = loadMigrations();
    assertSupportedVersion(db, file, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL'); // safe with WAL: a crash loses at most the last commits, never corrupts
    if (options.migrate ?? true) migrate(db, file, migrations);
    return db;
  } catch (error) {
    db.close();
    throw describeOpenError(file, error);
  }
}

function describeOpenError(file: string, error: unknown): Error {
  if (!(error instanceof Error)) return new DatabaseOpenError(`Could not open the catalogue database '${file}': ${String(error)}`);
  if (error.name === 'DatabaseTooNewError') return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CORRUPT_CODES.has(code)) {
    return new DatabaseCorruptError(
      `The catalogue database '${file}' is damaged or is not a SimCLR Studio database (${error.message}). ` +
        'It was left untouched: move it elsewhere (or choose another data folder) to start a new catalogue.',
    );
  }
  return new DatabaseOpenError(`Could not open the catalogue database '${file}': ${error.message}`);
}
