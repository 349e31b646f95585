-- The image library: folders the user added (datasets) and every file found in them.
-- Later migrations (0002+) add experiments, runs, metrics and embeddings; they reference
-- datasets(id) and images(id), which stay stable across re-scans (a changed file keeps
-- its row and gets a new content_hash).

CREATE TABLE datasets (
  id           INTEGER PRIMARY KEY,
  -- Real (symlink-resolved) absolute path of the folder: one dataset per folder.
  root         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('scanning', 'ready', 'missing', 'error')),
  added_at     TEXT NOT NULL,          -- ISO 8601, UTC
  last_scan_at TEXT,                   -- ISO 8601, UTC; NULL until a scan completes
  error        TEXT                    -- why the dataset is 'missing' or 'error'
) STRICT;

CREATE TABLE images (
  id           INTEGER PRIMARY KEY,
  dataset_id   INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  -- Relative to the dataset root, '/'-separated on every platform.
  rel_path     TEXT NOT NULL,
  size         INTEGER NOT NULL,       -- bytes (0 for a folder that could not be read)
  mtime_ms     REAL NOT NULL,          -- fs.Stats.mtimeMs at the time it was read
  -- sha256 of the file's bytes (hex): the key of thumbnail and pixel caches.
  content_hash TEXT,
  width        INTEGER,
  height       INTEGER,
  format       TEXT,                   -- sharp's name: jpeg, png, webp, gif, tiff, heif
  status       TEXT NOT NULL CHECK (status IN ('ok', 'skipped')),
  reason       TEXT,                   -- for 'skipped': a sentence a non-coder understands
  UNIQUE (dataset_id, rel_path),
  CHECK (
    (status = 'ok' AND content_hash IS NOT NULL AND width > 0 AND height > 0 AND format IS NOT NULL AND reason IS NULL)
    OR (status = 'skipped' AND reason IS NOT NULL)
  )
) STRICT;

-- listImages pages through a dataset's ok images in path order.
CREATE INDEX images_by_dataset_status_path ON images (dataset_id, status, rel_path);
-- Caches (thumbnails, pixels) and embeddings look images up by content.
CREATE INDEX images_by_content_hash ON images (content_hash);
