// Failures of a training run that the user can act on, with messages that say what to do.

/** A training run stopped for a reason the user can fix (memory, divergence, bad data). */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

const OUT_OF_MEMORY = [
  /out of memory/i,
  /\bOOM\b/,
  /failed to allocate/i,
  /cannot allocate memory/i,
  /Array buffer allocation failed/i,
  /memory access out of bounds/i, // wasm heap exhausted
  /Invalid typed array length/i,
  /could not grow memory|WebAssembly\.Memory/i,
];

export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OUT_OF_MEMORY.some((re) => re.test(message));
}

export function outOfMemoryError(backend: string, batchSize: number, imageSize: number, lastCheckpoint: string | undefined, cause: unknown): TrainingError {
  const kept = lastCheckpoint ? ` Checkpoints are intact (last: ${lastCheckpoint}).` : ' No checkpoint had been written yet.';
  return new TrainingError(
    `the ${backend} backend ran out of memory training batch size ${batchSize} at image size ${imageSize}. ` +
      `Try a smaller batch size (e.g. ${Math.max(2, Math.floor(batchSize / 2))}) or image size, or a narrower encoder.${kept}`,
    { cause },
  );
}
