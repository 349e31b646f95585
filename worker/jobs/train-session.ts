// A training session for a run directory: fresh, or restored from its last checkpoint
// after checking the checkpoint matches the config and the images (same trajectory).
import type { Tf } from '../backend.ts';
import type { ImageDataset } from '../data/dataset.ts';
import { CheckpointError, lastCheckpointPath, readCheckpoint } from '../simclr/checkpoint.ts';
import type { TrainConfig } from '../simclr/config.ts';
import { TrainingError } from '../simclr/trainer-errors.ts';
import { assertResumable } from '../simclr/trainer-resume.ts';
import { createSession, restoreSession, type TrainingSession } from '../simclr/trainer-session.ts';

export async function openSession(tf: Tf, config: TrainConfig, dataset: ImageDataset, runDir: string, resume: boolean): Promise<TrainingSession> {
  if (!resume) return createSession(config);
  const lastPath = lastCheckpointPath(runDir);
  const checkpoint = await readCheckpoint(lastPath).catch((error: unknown) => {
    if (error instanceof CheckpointError && /no checkpoint at/.test(error.message)) {
      throw new TrainingError(`nothing to resume: this run has no checkpoint yet (${lastPath}); start a new run instead`);
    }
    throw error;
  });
  assertResumable(checkpoint, config, { fingerprint: dataset.fingerprint, size: dataset.size }, lastPath);
  return restoreSession(tf, checkpoint, lastPath);
}
