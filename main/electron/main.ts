// The desktop app's main process: one instance, one window, the studio's services
// behind the IPC bridge and the two custom protocols. Everything testable lives in the
// plain files beside this one; this file is lifecycle only.
import { app, BrowserWindow, dialog } from 'electron';
import { missingRendererMessage, rendererIsBuilt } from '../api/web-static.ts';
import { errorMessage } from '../error-message.ts';
import { createStudio } from '../services/studio.ts';
import { confirmQuit } from './dialogs.ts';
import { registerIpc } from './ipc.ts';
import { appPaths, desktopDataDir } from './paths.ts';
import { handleProtocols, registerSchemes } from './protocol.ts';
import { connectTrainingDesktop } from './training-desktop.ts';
import { electronDesktopEffects } from './training-desktop-electron.ts';
import { createMainWindow } from './window.ts';

// Privileged schemes must be registered before the app is ready.
registerSchemes();

async function start(): Promise<void> {
  // __dirname is the bundle's folder (dist/electron): build-electron.ts emits CommonJS.
  const paths = appPaths({ bundleDir: __dirname, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  if (!rendererIsBuilt(paths.rendererDir)) throw new Error(missingRendererMessage(paths.rendererDir));
  const dataDir = desktopDataDir(process.env, app.getPath('userData'));
  // Worker threads the studio starts are bundled beside main.cjs by build-electron.ts.
  const studio = await createStudio({ dataDir, transport: 'electron', sampleDir: paths.sampleDir });
  handleProtocols(paths.rendererDir, (datasetId, relPath) => studio.thumbnails.thumbnailFile(datasetId, relPath));
  const window = createMainWindow(paths.preload);
  const unregister = registerIpc(studio.api, studio.events, window);
  // Taskbar/dock progress, keep-awake and notifications while training; asks before quitting mid-run.
  const training = connectTrainingDesktop(studio.events, electronDesktopEffects(window), {
    experimentName: async (experimentId) => (await studio.api.getExperiment({ experimentId })).name,
  });

  let quitConfirmed = false;
  window.on('close', (event) => {
    // Only a running (or queued, or paused) training run asks first; a scan just stops.
    const reason = training.busyReason();
    if (quitConfirmed || reason === null) return;
    event.preventDefault();
    void confirmQuit(window, reason).then((quit) => {
      quitConfirmed = quit;
      if (quit) window.close();
    });
  });
  // One window is the whole app, on macOS too: closing it quits, so the services never
  // outlive the only page that can see them.
  app.on('window-all-closed', () => app.quit());

  // Quitting waits once for the studio to finish writing (SQLite, checkpoints); a
  // second quit request while it closes waits for the same close.
  let closed = false;
  let closing: Promise<void> | null = null;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= (async () => {
      training.dispose();
      unregister();
      await studio.close().catch((error: unknown) => console.error('SimCLR Studio: closing the library failed:', error));
      closed = true;
      app.quit();
    })();
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the library (one writer per SQLite database): hand over to it.
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.whenReady().then(start).catch(fail);
}

/** A start-up failure (e.g. a database from a newer version): say why and exit. */
function fail(error: unknown): void {
  console.error('SimCLR Studio failed to start:', error);
  // A packaged app has no visible console: say it in a dialog too.
  dialog.showErrorBox('SimCLR Studio could not start', errorMessage(error));
  app.exit(1);
}
