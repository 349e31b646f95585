// A training session for a run directory: fresh, or restored from its last checkpoint
// after checking the checkpoint matches the config and the images (same trajectory).
// Shared by the app's train job and the train CLI.
import type { Tf } from '../backend.ts';
import type { ImageDataset } from '../data/dataset.ts';
import { type Checkpoint, CheckpointError, lastCheckpointPath, readCheckpoint } from '../simclr/checkpoint.ts';
import type { TrainConfig } from '../simclr/config.ts';
import { TrainingError } from '../simclr/trainer-errors.ts';
import { assertResumable } from '../simclr/trainer-resume.ts';
import { createSession, restoreSession, type TrainingSession } from '../simclr/trainer-session.ts';

export interface ResumePoint {
  readonly checkpoint: Checkpoint;
  /** The checkpoint's file, named in errors. */
  readonly source: string;
}

/** The run directory's last checkpoint; a missing one is a TrainingError saying there is nothing to resume. */
export async function readResumePoint(runDir: string): Promise<ResumePoint> {
  const source = lastCheckpointPath(runDir);
  const checkpoint = await readCheckpoint(source).catch((error: unknown) => {
    if (error instanceof CheckpointError && /no checkpoint at/.test(error.message)) throw new TrainingError(`nothing to resume: no checkpoint at ${source}`);
    throw error;
  });
  return { checkpoint, source };
}

/** A fresh session, or one continuing `resumeFrom` once it is checked against the config and the images. */
export function openSession(tf: Tf, config: TrainConfig, dataset: ImageDataset, resumeFrom: ResumePoint | null): TrainingSession {
  if (!resumeFrom) return createSession(config);
  assertResumable(resumeFrom.checkpoint, config, { fingerprint: dataset.fingerprint, size: dataset.size }, resumeFrom.source);
  return restoreSession(tf, resumeFrom.checkpoint, resumeFrom.source);
}
