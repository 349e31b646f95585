-- A run whose loss became NaN or Infinity ("diverged") is failed and NOT resumable: its
-- checkpoint would diverge again with the same settings. That was told by the first
-- words of its reason, a sentence meant for people; this column says it instead. Runs
-- marked the old way (main wrote the reason 'The training diverged: …', always through
-- main/services/training/diverged.ts) are carried over.
ALTER TABLE runs ADD COLUMN diverged INTEGER NOT NULL DEFAULT 0 CHECK (diverged IN (0, 1));

UPDATE runs SET diverged = 1 WHERE substr(reason, 1, 23) = 'The training diverged: ';
