// Where the app keeps its catalogue, thumbnails, caches and runs. The default is the
// same folder Electron's app.getPath('userData') gives for the product name, so the
// desktop app, the CLI and web mode share one library.
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'SimCLR Studio';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SIMCLR_STUDIO_DATA_DIR) return path.resolve(env.SIMCLR_STUDIO_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}

/** <data dir>/cache/pixels: the decoded-pixel cache shared by the app and the CLI. */
export function pixelCacheDir(dataDir: string): string {
  return path.join(dataDir, 'cache', 'pixels');
}
