// The catalogue stores an image's place as a '/'-separated path relative to its dataset
// root (walk.ts makes it so on every platform). This turns it back into what the disk
// and the worker's jobs need; one definition for training, previews, embeddings, exports.
import path from 'node:path';

/** The absolute path of catalogue path `relPath` inside dataset folder `root`. */
export function absoluteImagePath(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'));
}

/** An image as the worker's jobs take it: absolute path plus the catalogue path for reports. */
export function workerImage(root: string, relPath: string): { path: string; relativePath: string } {
  return { path: absoluteImagePath(root, relPath), relativePath: relPath };
}
