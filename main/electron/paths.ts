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
    rendererDir: path.join(distDir, 'renderer'),
    sampleDir: input.isPackaged ? path.join(input.resourcesPath, SAMPLE_FOLDER) : path.join(repoDir, 'assets', SAMPLE_FOLDER),
  };
}

/**
 * The desktop app's data folder: SIMCLR_STUDIO_DATA_DIR when set (as for the CLI and web
 * mode, see main/data-dir.ts), else Electron's userData folder, which is the same default
 * folder main/data-dir.ts computes for the product name.
 */
export function desktopDataDir(env: NodeJS.ProcessEnv, userDataDir: string): string {
  return env.SIMCLR_STUDIO_DATA_DIR ? path.resolve(env.SIMCLR_STUDIO_DATA_DIR) : userDataDir;
}
