// Errors of the catalogue database, each naming the file so the user knows what to
// move or restore. The database file itself is never deleted or overwritten.

/** The database was written by a newer version of the app (its schema is ahead of ours). */
export class DatabaseTooNewError extends Error {
  override name = 'DatabaseTooNewError';
}

/** The file is not a SQLite database, or it is damaged. */
export class DatabaseCorruptError extends Error {
  override name = 'DatabaseCorruptError';
}

/** The database could not be opened for another reason (permissions, locked, disk). */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}
