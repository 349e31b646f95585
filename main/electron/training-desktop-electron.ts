// Applies the training's desktop decisions (training-desktop.ts) with Electron: the
// window's taskbar / dock progress bar, a power-save blocker that keeps the system
// (not the display) awake while training, and native notifications.
import { Notification, powerSaveBlocker, type BrowserWindow } from 'electron';
import { PRODUCT_NAME } from '../data-dir.ts';
import type { DesktopEffects } from './training-desktop.ts';

export function electronDesktopEffects(window: BrowserWindow): DesktopEffects {
  let blocker: number | null = null;
  return {
    setProgress(progress) {
      if (window.isDestroyed()) return;
      if (progress.mode === 'normal' || progress.mode === 'paused') window.setProgressBar(progress.fraction, { mode: progress.mode });
      // Electron draws an indeterminate bar for any value above 1.
      else if (progress.mode === 'indeterminate') window.setProgressBar(2, { mode: 'indeterminate' });
      else window.setProgressBar(-1);
    },
    keepAwake(on) {
      if (on && blocker === null) blocker = powerSaveBlocker.start('prevent-app-suspension');
      if (!on && blocker !== null) {
        powerSaveBlocker.stop(blocker);
        blocker = null;
      }
    },
    notify(title, body) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: `${PRODUCT_NAME}: ${title}`, body });
      // Clicking it brings the window forward, where the run's monitor is.
      notification.on('click', () => {
        if (window.isDestroyed()) return;
        if (window.isMinimized()) window.restore();
        window.focus();
      });
      notification.show();
    },
  };
}
