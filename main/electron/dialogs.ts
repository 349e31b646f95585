// Native dialogs: the folder picker behind "Add folder", and the question asked before
// quitting while work is running.
import { dialog, type BrowserWindow } from 'electron';

/** The chosen folder's absolute path, or null when the dialog was cancelled. */
export async function pickFolder(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Add a folder of images',
    buttonLabel: 'Add folder',
    properties: ['openDirectory'],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** Asks whether to quit although `busy` (e.g. "a training run is in progress"); true to quit. */
export async function confirmQuit(window: BrowserWindow, busy: string): Promise<boolean> {
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    buttons: ['Quit', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Quit SimCLR Studio?',
    detail: `${busy}. It will stop; a training run can be resumed from its last checkpoint.`,
  });
  return response === 0;
}
