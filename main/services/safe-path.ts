// Turns a (dataset root, relative path) pair from the renderer or a URL into a file
// path that is guaranteed to be inside the dataset: no '..', no absolute paths, no
// NUL bytes, and no symlink that leads out of the root. The Electron protocol and
// the web server serve only what passes through here.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/** True if `child` is `parent` or lies below it (both absolute and normalised). */
export function isInside(parent: string, child: string, pathApi: path.PlatformPath = path): boolean {
  const relative = pathApi.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !pathApi.isAbsolute(relative));
}

/**
 * Checks the shape of `relPath` (without touching the disk) and returns its segments.
 * Accepts '/' separators (and '\' on Windows).
 */
export function checkRelativePath(relPath: string, platform: NodeJS.Platform = process.platform): string[] {
  if (typeof relPath !== 'string' || relPath.length === 0) throw new UnsafePathError('The image path is empty.');
  if (relPath.includes('\0')) throw new UnsafePathError('The image path contains a NUL character.');
  const windows = platform === 'win32';
  if (relPath.startsWith('/') || (windows && (relPath.startsWith('\\') || /^[a-zA-Z]:/.test(relPath))) || path.posix.isAbsolute(relPath)) {
    throw new UnsafePathError(`The image path '${relPath}' is absolute; only paths inside the dataset folder are allowed.`);
  }
  const segments = relPath.split(windows ? /[\\/]/ : '/');
  if (segments.some((s) => s === '..')) throw new UnsafePathError(`The image path '${relPath}' contains '..'; only paths inside the dataset folder are allowed.`);
  if (segments.some((s) => s === '' || s === '.')) throw new UnsafePathError(`The image path '${relPath}' is not a clean relative path (empty or '.' parts).`);
  return segments;
}

/**
 * Resolves `relPath` inside `root` and returns the real path of the file. Throws
 * UnsafePathError if the path is malformed or (after following symlinks) leaves the
 * real root, and the file system's error (ENOENT …) if it does not exist.
 */
export async function resolveInsideDataset(root: string, relPath: string): Promise<string> {
  const segments = checkRelativePath(relPath);
  const realRoot = await realpath(root);
  const candidate = path.join(realRoot, ...segments);
  if (!isInside(realRoot, candidate)) throw new UnsafePathError(`The image path '${relPath}' leaves the dataset folder.`);
  const real = await realpath(candidate);
  if (!isInside(realRoot, real)) throw new UnsafePathError(`The image path '${relPath}' is a link that leads outside the dataset folder.`);
  return real;
}
