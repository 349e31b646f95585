-- Experiments (a named, validated training config on a dataset), their runs, the runs'
-- metrics and checkpoints (issue 4). The checkpoint files themselves live under
-- <data dir>/experiments/<experiment id>/runs/<run id>/; rows reference them by path.

CREATE TABLE experiments (
  id           INTEGER PRIMARY KEY,
  -- Removing a folder from the library keeps its experiments (their trained encoders are
  -- still worth having); they show the folder's name from dataset_name.
  dataset_id   INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  dataset_name TEXT NOT NULL,
  name         TEXT NOT NULL,
  notes        TEXT NOT NULL DEFAULT '',
  -- The RESOLVED config (worker/simclr/config.ts TrainConfig) as JSON: what runs.
  config_json  TEXT NOT NULL,
  created_at   TEXT NOT NULL,          -- ISO 8601, UTC
  updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX experiments_by_dataset ON experiments (dataset_id);

CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  experiment_id     INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled', 'interrupted')),
  reason            TEXT,              -- why it failed / was cancelled / interrupted, or the outcome
  run_dir           TEXT NOT NULL,     -- absolute path of the run's folder
  backend           TEXT,              -- set when it starts
  step              INTEGER NOT NULL DEFAULT 0,
  total_steps       INTEGER,
  epoch             INTEGER NOT NULL DEFAULT 0,   -- epochs fully done
  epochs            INTEGER NOT NULL,
  last_loss         REAL,
  images_per_second REAL,
  skipped_json      TEXT NOT NULL DEFAULT '[]',   -- [{path, reason}] of images skipped in this run
  resume_count      INTEGER NOT NULL DEFAULT 0,
  queued_at         TEXT NOT NULL,
  started_at        TEXT,
  finished_at       TEXT,
  training_seconds  REAL NOT NULL DEFAULT 0       -- pauses excluded
) STRICT;

CREATE INDEX runs_by_experiment ON runs (experiment_id, id);
CREATE INDEX runs_by_status ON runs (status);

-- Per-step rows are downsampled for long runs (main/services/training/metric-sampling.ts);
-- per-epoch rows are all kept. For kind 'epoch', step holds the epoch number (1-based).
-- NaN losses are stored as NULL.
CREATE TABLE run_metrics (
  run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind              TEXT NOT NULL CHECK (kind IN ('step', 'epoch')),
  step              INTEGER NOT NULL,
  epoch             INTEGER NOT NULL,
  loss              REAL,
  accuracy          REAL,
  lr                REAL,
  temperature       REAL,
  z_std             REAL,
  images_per_second REAL,
  seconds           REAL,              -- epoch rows: wall time of the epoch
  steps             INTEGER,           -- epoch rows: steps in the epoch
  PRIMARY KEY (run_id, kind, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_checkpoints (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  epoch      INTEGER NOT NULL,         -- epochs done when written
  step       INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, path)
) STRICT;
