// `npm start`: the desktop app. Makes sure Electron's program is there, builds what the
// app runs (the renderer with Vite, the main/preload/worker bundles with esbuild), then
// launches Electron on this folder and exits with its exit code.
//
// npm installs the electron package without its program; the program (~100 MB) is
// downloaded from GitHub's releases on first start. Where that cannot happen (no network,
// a firewall) this says so in one short paragraph and points to `npm run serve` — the
// same app in a browser — and exits with code 1. The check comes first so nobody waits
// for a build that cannot be shown.
//
// Environment: SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S (default 300) bounds the
// download; ELECTRON_MIRROR and the other variables of @electron/get are honoured by
// Electron's own installer, which this runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildElectron } from './build-electron.ts';

const DEFAULT_DOWNLOAD_TIMEOUT_S = 300;

/** The electron package's folder (resolving package.json does not run its index.js, which would download). */
export function electronPackageDir(rootDir: string): string {
  const require = createRequire(path.join(rootDir, 'package.json'));
  return path.dirname(require.resolve('electron/package.json'));
}

/**
 * The Electron program's path when it is installed, else null. The electron package
 * records the program's path inside its dist/ folder in path.txt once downloaded.
 */
export function findElectronBinary(packageDir: string): string | null {
  let relative: string;
  try {
    relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  const binary = path.join(packageDir, 'dist', relative);
  return relative && fs.existsSync(binary) ? binary : null;
}

/** Runs Electron's own installer (the download); returns why it failed, or null. */
export function downloadElectron(packageDir: string, timeoutSeconds: number): string | null {
  const result = spawnSync(process.execPath, [path.join(packageDir, 'install.js')], {
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) return (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `the download did not finish within ${timeoutSeconds} s` : result.error.message;
  if (result.status === 0) return null;
  // install.js prints a stack; its first line says what went wrong (e.g. "TypeError: fetch failed").
  const firstLine = `${result.stderr}${result.stdout}`.split('\n').find((line) => line.trim() !== '');
  return firstLine?.trim() ?? `the installer exited with code ${result.status}`;
}

/** Breaks `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** The one paragraph `npm start` prints when Electron's program cannot be had. */
export function noElectronMessage(reason: string): string {
  return wrap(
    `SimCLR Studio's desktop window needs Electron's program, which is not installed and could not be downloaded (${reason}). ` +
      `npm installs Electron without it and fetches it on first start, which needs access to GitHub's release downloads (or ELECTRON_MIRROR). ` +
      'Everything else works without it: run `npm run serve` for the same app in your browser, or use the command line (`npx simclr-studio --help`).',
    88,
  );
}

/**
 * Why no window can be shown here, or null: on Linux a window needs an X11 or Wayland
 * display, which servers and containers often lack (Electron would only print "Missing
 * X server or $DISPLAY"), and a user other than root.
 */
export function displayProblem(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, uid: number | undefined): string | null {
  if (platform !== 'linux') return null;
  // Chromium refuses to run as root unless its sandbox is switched off, which the app
  // will not do: it keeps the page sandboxed.
  if (uid === 0) {
    return wrap(
      'SimCLR Studio does not open its window as root (Chromium would need its sandbox switched off). ' +
        'Run `npm start` as a normal user, or run `npm run serve` and open the printed address in a browser.',
      88,
    );
  }
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return wrap(
    'SimCLR Studio cannot open its window: this session has no display (neither DISPLAY nor WAYLAND_DISPLAY is set). ' +
      'On a machine without a screen, run `npm run serve` and open the printed address in a browser (for example through an SSH tunnel).',
    88,
  );
}

/** How long Electron's download may take, from SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S. */
export function downloadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S;
  if (raw === undefined || raw === '') return DEFAULT_DOWNLOAD_TIMEOUT_S;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S must be a positive number of seconds, got '${raw}'`);
  }
  return seconds;
}

/** Runs a package.json script of this project; false when it failed. */
function runNpmScript(rootDir: string, script: string): boolean {
  // On Windows npm is npm.cmd, which only a shell can start.
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: rootDir, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}

async function main(rootDir: string): Promise<number> {
  const packageDir = electronPackageDir(rootDir);
  let binary = findElectronBinary(packageDir);
  if (!binary) {
    console.log('Downloading Electron (first start only)…');
    const failure = downloadElectron(packageDir, downloadTimeoutSeconds());
    binary = findElectronBinary(packageDir);
    if (!binary) {
      console.error(noElectronMessage(failure ?? 'the installer reported success but left no program'));
      return 1;
    }
  }
  const noDisplay = displayProblem(process.platform, process.env, process.getuid?.());
  if (noDisplay) {
    console.error(noDisplay);
    return 1;
  }
  if (!runNpmScript(rootDir, 'build:renderer')) {
    console.error('npm start: building the renderer failed (see above).');
    return 1;
  }
  await buildElectron({ rootDir });
  const child = spawn(binary, [rootDir], { cwd: rootDir, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`npm start: could not launch Electron (${binary}): ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (import.meta.main) {
  try {
    process.exitCode = await main(path.resolve(import.meta.dirname, '..'));
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
