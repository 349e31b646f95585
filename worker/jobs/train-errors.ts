// Refusals and failures of the app's train job, worded for the app (not the CLI's flags).
import { errorMessage } from '../../main/error-message.ts';
import { TrainingError } from '../simclr/trainer-errors.ts';

/** Refuses a dataset that cannot make one full batch of positive pairs and negatives. */
export function assertTrainable(folder: string, usable: number, skipped: number, batchSize: number): void {
  const skippedNote = skipped > 0 ? ` (${skipped} file(s) could not be read and were skipped)` : '';
  if (usable < 2) {
    throw new TrainingError(`training needs at least 2 usable images (each positive pair needs negatives); ${folder} has ${usable}${skippedNote}`);
  }
  if (usable < batchSize) {
    throw new TrainingError(
      `the batch size ${batchSize} is larger than the ${usable} usable images of ${folder}${skippedNote}; ` + `create an experiment with a batch size of ${usable} or fewer`,
    );
  }
}

/** A full disk becomes a message saying so and that the previous checkpoint is intact. */
export function asTrainingFailure(error: unknown): unknown {
  if (hasCode(error, 'ENOSPC') || hasCode(error, 'EDQUOT')) {
    return new TrainingError(
      `the disk holding the data folder is full (${errorMessage(error)}). ` +
        'The previous checkpoint is intact: free some space, then resume the run.',
      { cause: error },
    );
  }
  return error;
}

function hasCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === code) return true;
  }
  return false;
}
