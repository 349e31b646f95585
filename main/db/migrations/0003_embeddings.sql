-- The explorer's embedding sets (issue 5): the representation h of every image of a
-- run's dataset under one encoder (the run's checkpoint, or a random encoder of the same
-- architecture). The vectors live in a float32 binary file beside the database
-- (<data dir>/embeddings/<file>, [rows, dim] row-major, little-endian); SQLite indexes
-- them by run, checkpoint and image. A row remembers the content hash of the bytes it
-- was computed from, so a re-scanned dataset shows which rows are stale (the image's
-- content_hash changed) and only those are recomputed; stale rows are never served.

CREATE TABLE embedding_sets (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  encoder         TEXT NOT NULL CHECK (encoder IN ('trained', 'random')),
  -- 'last' or the epoch number (1-based) of a kept checkpoint, as text.
  checkpoint      TEXT NOT NULL CHECK (checkpoint = 'last' OR CAST(checkpoint AS INTEGER) > 0),
  -- Optimiser steps of the checkpoint the rows were computed with (0 for 'random').
  checkpoint_step INTEGER NOT NULL DEFAULT 0,
  -- Size and mtime of the checkpoint file the rows came from ('random' for a random
  -- encoder): when 'last' moves on, no row is reused and no query mixes checkpoints.
  checkpoint_stamp TEXT,
  dim             INTEGER NOT NULL DEFAULT 0,
  -- File name inside <data dir>/embeddings; a new generation gets a new name, so the
  -- file and the rows below always change together (one transaction points at it).
  file            TEXT,
  status          TEXT NOT NULL CHECK (status IN ('computing', 'ready', 'failed', 'cancelled')),
  error           TEXT,
  updated_at      TEXT NOT NULL,          -- ISO 8601, UTC
  UNIQUE (run_id, encoder, checkpoint)
) STRICT;

CREATE TABLE embedding_rows (
  set_id       INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
  image_id     INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  -- sha256 of the bytes the row was computed from (or that could not be decoded).
  content_hash TEXT NOT NULL,
  -- Row in the set's file; NULL when the image could not be decoded (then `reason`).
  row          INTEGER,
  reason       TEXT,
  PRIMARY KEY (set_id, image_id),
  CHECK ((row IS NULL) = (reason IS NOT NULL))
) STRICT;

-- Foreign-key checks when images or datasets are deleted (a re-scan that removed files,
-- a folder removed from the library) look rows up by these columns.
CREATE INDEX embedding_rows_by_image ON embedding_rows (image_id);
CREATE INDEX embedding_sets_by_dataset ON embedding_sets (dataset_id);
