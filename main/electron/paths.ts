// Where the desktop app finds its parts, in development (bundles in dist/electron/, the
// repository around them) and when packaged (the same bundles inside app.asar, the sample
// images under the resources folder via electron-builder's extraResources).
// No 'electron' import: main.ts passes app.isPackaged, process.resourcesPath and the
// bundle's own folder in.
import path from 'node:path';

export interface AppPathsInput {
  /** The folder holding main.cjs (dist/electron). */
  readonly bundleDir: string;
  readonly isPackaged: boolean;
  /** process.resourcesPath: where extraResources land in a packaged app. */
  readonly resourcesPath: string;
}

export interface AppPaths {
  readonly preload: string;
  /** The worker thread's bundle (the training engine). */
  readonly worker: string;
  /** The built renderer served on studio-app://app/. */
  readonly rendererDir: string;
  /** The labelled sample folder behind "Try with sample images". */
  readonly sampleDir: string;
}

/** Folder name of the samples, in assets/ and in the packaged resources alike. */
export const SAMPLE_FOLDER = 'sample-images';

export function appPaths(input: AppPathsInput): AppPaths {
  const distDir = path.dirname(input.bundleDir);
  const repoDir = path.dirname(distDir);
  return {
    preload: path.join(input.bundleDir, 'preload.cjs'),
    worker: path.join(input.bundleDir, 'worker.cjs'),
    rendererDir: path.join(distDir, 'renderer'),
    sampleDir: input.isPackaged ? path.join(input.resourcesPath, SAMPLE_FOLDER) : path.join(repoDir, 'assets', SAMPLE_FOLDER),
  };
}
