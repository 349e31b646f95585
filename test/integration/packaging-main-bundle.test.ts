// Runs the REAL main-process bundle (dist/electron/main.cjs as build-electron.ts writes
// it) in a Node child process. Electron's program cannot run here, so the child answers
// require('electron') with a small recorder of the calls main.ts makes (app, window,
// ipcMain, protocol, dialog); everything behind it is real: the bundled services, SQLite,
// the migrations copied beside the bundle, the image worker thread bundled beside it,
// sharp, the sample images. This catches what only a bundle can break (import.meta in
// CommonJS, files and workers found next to the sources, externals) and checks main.ts's
// wiring: the window's security options, one trusted
// handler per method, the two protocols, the sample folder, closing on quit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { methodInputs } from '../../main/api/contract.ts';
import { buildElectron } from '../../scripts/build-electron.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The child: a fake 'electron' module, then the bundle, then calls through what it registered. */
const CHILD = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const [mainBundle, userData] = process.argv.slice(2);
const ipcHandlers = new Map();
const protocols = new Map();
const appEvents = new EventEmitter();
const record = { schemes: [], windows: [], loaded: [], errors: [], openHandler: null, quitCalls: 0 };
let markReady;
const ready = new Promise((resolve) => (markReady = resolve));
class BrowserWindow {
  constructor(options) {
    record.windows.push(options);
    const events = new EventEmitter();
    this.on = (name, fn) => events.on(name, fn);
    this.once = (name, fn) => events.once(name, fn);
    this.webContents = {
      setWindowOpenHandler: (fn) => (record.openHandler = fn),
      on: () => undefined,
      send: () => undefined,
      session: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined },
    };
  }
  loadURL(url) { record.loaded.push(url); return Promise.resolve(); }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  restore() {}
  focus() {}
  setProgressBar() {}
  static getAllWindows() { return []; }
}
const electron = {
  app: {
    isPackaged: false,
    getPath: (name) => { if (name !== 'userData') throw new Error('unexpected getPath ' + name); return userData; },
    requestSingleInstanceLock: () => true,
    on: (name, fn) => appEvents.on(name, fn),
    whenReady: () => ready,
    quit: () => { record.quitCalls++; },
    exit: (code) => {
      process.stderr.write(record.errors.join('\n') + '\n');
      process.exit(code);
    },
  },
  BrowserWindow,
  ipcMain: { handle: (channel, fn) => ipcHandlers.set(channel, fn), removeHandler: (channel) => ipcHandlers.delete(channel) },
  protocol: { registerSchemesAsPrivileged: (schemes) => record.schemes.push(...schemes), handle: (scheme, fn) => protocols.set(scheme, fn) },
  powerSaveBlocker: { start: () => 1, stop: () => undefined },
  Notification: class { static isSupported() { return false; } },
  dialog: {
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showMessageBox: async () => ({ response: 1 }),
    showErrorBox: (title, message) => record.errors.push(message),
  },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? electron : load.call(this, request, ...rest); };

(async () => {
  require(mainBundle);
  const schemesBeforeReady = record.schemes.map((s) => s.scheme);
  markReady();
  for (let i = 0; i < 400 && ipcHandlers.size === 0; i++) await new Promise((r) => setTimeout(r, 25));
  if (record.errors.length) throw new Error(record.errors.join('; '));
  const page = { senderFrame: { url: 'studio-app://app/index.html', parent: null } };
  const stranger = { senderFrame: { url: 'https://evil.example/', parent: null } };
  const call = (method, input, sender = page) => ipcHandlers.get('studio:call:' + method)(sender, input);
  const info = await call('getAppInfo', {});
  const refused = await call('getAppInfo', {}, stranger);
  const invalid = await call('addDataset', { path: '' });
  const sample = await call('addSampleDataset', {});
  if (!sample.ok) throw new Error('addSampleDataset failed: ' + JSON.stringify(sample.error));
  const images = await call('listImages', { datasetId: sample.value.datasetId, offset: 0, limit: 1 });
  const relPath = images.value.images[0].relPath;
  const thumb = await protocols.get('studio-thumb')({ url: 'studio-thumb://thumb/' + sample.value.datasetId + '/' + relPath.split('/').map(encodeURIComponent).join('/') });
  const escape = await protocols.get('studio-thumb')({ url: 'studio-thumb://thumb/' + sample.value.datasetId + '/%2e%2e/%2e%2e/etc/passwd' });
  const pageResponse = await protocols.get('studio-app')({ url: 'studio-app://app/index.html' });
  const dialog = await ipcHandlers.get('studio:dialog:pickFolder')(page);
  const channels = [...ipcHandlers.keys()].length;
  appEvents.emit('will-quit', { preventDefault: () => undefined });
  for (let i = 0; i < 400 && record.quitCalls === 0; i++) await new Promise((r) => setTimeout(r, 25));
  process.stdout.write(JSON.stringify({
    schemesBeforeReady,
    channels,
    webPreferences: record.windows[0].webPreferences,
    loaded: record.loaded,
    windowOpen: record.openHandler({ url: 'https://example.com/' }),
    info, refused, invalid,
    sample: { ok: sample.ok, images: sample.value?.images, skipped: sample.value?.skipped.length, error: sample.error },
    thumb: { status: thumb.status, type: thumb.headers.get('content-type'), bytes: (await thumb.arrayBuffer()).byteLength },
    escape: escape.status,
    page: { status: pageResponse.status, csp: pageResponse.headers.get('content-security-policy') },
    dialog,
    handlersAfterQuit: ipcHandlers.size,
    quitCalls: record.quitCalls,
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the main-process bundle', () => {
  let dir = '';
  let result: Record<string, any> = {};
  let bundles: string[] = [];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-main-bundle-'));
    bundles = await buildElectron({ rootDir: ROOT, outDir: path.join(dir, 'dist', 'electron'), only: ['main'] });
    await fs.mkdir(path.join(dir, 'dist', 'renderer'), { recursive: true });
    await fs.writeFile(path.join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>SimCLR Studio</title>');
    await fs.mkdir(path.join(dir, 'assets'));
    await fs.symlink(path.join(ROOT, 'assets', 'sample-images'), path.join(dir, 'assets', 'sample-images'));
    await fs.symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    await fs.writeFile(path.join(dir, 'child.cjs'), CHILD);
    const child = runChild();
    assert.equal(child.status, 0, `the bundle failed:\n${child.stderr}`);
    result = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
  });

  /** Runs main.cjs in the layout of the repository: dist/electron, dist/renderer, assets, node_modules. */
  function runChild() {
    const env = { ...process.env };
    delete env.SIMCLR_STUDIO_DATA_DIR; // the app must use Electron's userData here
    return spawnSync(process.execPath, [path.join(dir, 'child.cjs'), bundles[0]!, path.join(dir, 'user-data')], { encoding: 'utf8', timeout: 180_000, env });
  }
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('registers both schemes before ready and loads the page from studio-app://', () => {
    assert.deepEqual(result.schemesBeforeReady, ['studio-app', 'studio-thumb']);
    assert.deepEqual(result.loaded, ['studio-app://app/index.html']);
    assert.equal(result.page.status, 200);
    assert.match(result.page.csp, /script-src 'self'/);
  });

  it('opens a locked-down window that cannot open others', () => {
    const prefs = result.webPreferences;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.match(prefs.preload, /preload\.cjs$/);
    assert.deepEqual(result.windowOpen, { action: 'deny' });
  });

  it('answers API calls over IPC with the real studio, refusing strangers', () => {
    assert.equal(result.channels, Object.keys(methodInputs).length + 1);
    assert.equal(result.info.ok, true);
    assert.equal(result.info.value.transport, 'electron');
    assert.match(result.info.value.dataDir, /user-data$/);
    assert.deepEqual(result.refused.error.name, 'Forbidden');
    assert.equal(result.invalid.error.name, 'InvalidInput');
    assert.deepEqual(result.dialog, { ok: true, value: null });
  });

  it('bundles the worker threads the studio starts, and points the code at them', async () => {
    const imageWorker = path.join(dir, 'dist', 'electron', 'main-services-library-image-worker.cjs');
    assert.ok(bundles.includes(imageWorker), `no image worker bundle among ${bundles.join(', ')}`);
    const main = await fs.readFile(bundles[0]!, 'utf8');
    // (import.meta.url is __bundleUrl in the bundle.)
    assert.doesNotMatch(main, /new URL\("[^"]+\.ts", __bundleUrl\)/, 'a worker URL still names a .ts source');
    assert.match(main, /new URL\("\.\/main-services-library-image-worker\.cjs"/);
  });

  it('bundles the training worker, which starts and chooses a TensorFlow.js backend', async () => {
    const workerBundle = path.join(dir, 'dist', 'electron', 'worker.cjs');
    assert.ok(bundles.includes(workerBundle));
    const worker = new Worker(workerBundle, { workerData: { backend: 'auto' } });
    try {
      let first: { type: string; backend?: string; error?: { message: string } } | undefined;
      while (!first || first.type === 'log') [first] = (await once(worker, 'message')) as [typeof first];
      assert.equal(first.type, 'ready', JSON.stringify(first));
      assert.ok(['tensorflow', 'wasm', 'cpu'].includes(first.backend!), first.backend);
    } finally {
      await worker.terminate();
    }
  });

  it('adds the shipped sample images (through the image worker) and serves their thumbnails', () => {
    assert.equal(result.sample.ok, true, JSON.stringify(result.sample.error));
    assert.equal(result.sample.images, 64);
    assert.equal(result.sample.skipped, 0);
    assert.equal(result.thumb.status, 200);
    assert.match(result.thumb.type, /^image\//);
    assert.ok(result.thumb.bytes > 0);
    assert.equal(result.escape, 400);
  });

  it('removes its handlers and closes the studio before quitting', () => {
    assert.equal(result.handlersAfterQuit, 0);
    assert.equal(result.quitCalls, 1);
  });

  it('says plainly when the renderer is not built, and exits 1', async () => {
    await fs.rename(path.join(dir, 'dist', 'renderer'), path.join(dir, 'dist', 'renderer-away'));
    try {
      const child = runChild();
      assert.equal(child.status, 1);
      assert.match(child.stderr, /npm run build:renderer/);
    } finally {
      await fs.rename(path.join(dir, 'dist', 'renderer-away'), path.join(dir, 'dist', 'renderer'));
    }
  });
});
