// The preload: builds window.studio from the contract (one function per API method,
// one onXxx per event, never a raw send) and installs it in the page.
// It runs sandboxed, where only 'electron' (and a few Node built-ins) can be required at
// run time, so scripts/build-electron.ts bundles it with everything it imports (and
// replaces contract-names.ts with literal lists, keeping zod out).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { eventNames, methodNames } from './contract-names.ts';
import { installStudioBridge } from './main-world-bridge.ts';
import { createRawBridge } from './raw-bridge.ts';

const raw = createRawBridge({
  ipc: ipcRenderer,
  pathForFile: (file) => webUtils.getPathForFile(file),
  methods: methodNames,
  events: eventNames,
});

// Build window.studio in the page's own world so that rejected calls are the page's
// Errors with main's `name` (contextBridge would keep only the message). Where that API
// is missing or refuses (it is marked experimental), expose the bridge built here
// instead: it works the same, but error names arrive as plain 'Error'.
function install(): void {
  if (typeof contextBridge.executeInMainWorld === 'function') {
    try {
      contextBridge.executeInMainWorld({ func: installStudioBridge, args: [raw] });
      return;
    } catch (error) {
      console.warn('SimCLR Studio: executeInMainWorld failed, exposing the bridge from the preload instead:', error);
    }
  }
  contextBridge.exposeInMainWorld('studio', installStudioBridge(raw, {}));
}

install();
