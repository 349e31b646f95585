-- The library grid lists file names in natural order ("img2" before "img10", case
-- ignored) instead of plain byte order. The order is a stored key, computed at insert
-- by the catalogue (main/services/library/natural-sort.ts says how), so the page query
-- still reads only a covering index. This migration adds the column and computes it
-- for the rows already there, with the same rule written in SQL below; a unit test
-- checks that the two agree.
ALTER TABLE images ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';

-- Walk each path one character at a time: `run` collects the current digit run, and
-- when it ends it is appended as two digits of length plus the number without leading
-- zeros. Rows finish when i passes the end of the path.
CREATE TEMP TABLE natural_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL);
WITH RECURSIVE walk (id, p, i, key, run) AS (
  SELECT id, lower(rel_path), 1, '', '' FROM images
  UNION ALL
  SELECT id, p, i + 1,
    CASE
      WHEN substr(p, i, 1) GLOB '[0-9]' THEN key
      WHEN run = '' THEN key || substr(p, i, 1)
      ELSE key
        || printf('%02d', length(coalesce(nullif(ltrim(run, '0'), ''), '0')))
        || coalesce(nullif(ltrim(run, '0'), ''), '0')
        || substr(p, i, 1)
    END,
    CASE WHEN substr(p, i, 1) GLOB '[0-9]' THEN run || substr(p, i, 1) ELSE '' END
  FROM walk
  WHERE i <= length(p)
)
INSERT INTO natural_keys (id, key)
SELECT id,
  CASE
    WHEN run = '' THEN key
    ELSE key
      || printf('%02d', length(coalesce(nullif(ltrim(run, '0'), ''), '0')))
      || coalesce(nullif(ltrim(run, '0'), ''), '0')
  END
FROM walk
WHERE i > length(p);
UPDATE images SET sort_key = (SELECT key FROM natural_keys WHERE natural_keys.id = images.id);
DROP TABLE natural_keys;

-- The grid's covering index (0004), now in natural order; rel_path breaks ties ("007"
-- and "7" share a key) so the order is total.
DROP INDEX images_grid;
CREATE INDEX images_grid ON images (dataset_id, status, sort_key, rel_path, id, width, height, format, size);
