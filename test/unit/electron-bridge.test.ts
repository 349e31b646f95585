// The Electron IPC transport without Electron: the real main-side handlers
// (ipc-handlers.ts), the real preload halves (raw-bridge.ts, main-world-bridge.ts) and the
// real preload BUNDLE, connected by an in-memory IPC pair that clones every message the
// way Electron's structured clone does (so a non-serialisable value would fail here too).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { eventNames, methodInputs, type StudioApi, type StudioEvents } from '../../main/api/contract.ts';
import type { StudioEventSource } from '../../main/api/web-events.ts';
import type { IpcSenderInfo } from '../../main/electron/app-url.ts';
import { eventChannel, PICK_FOLDER_CHANNEL } from '../../main/electron/channels.ts';
import { eventNames as bundledEventNames, methodNames } from '../../main/electron/contract-names.ts';
import { forwardEvents, handleTrusted, registerApiHandlers, type IpcMainLike } from '../../main/electron/ipc-handlers.ts';
import { installStudioBridge } from '../../main/electron/main-world-bridge.ts';
import { createRawBridge, type PreloadIpc } from '../../main/electron/raw-bridge.ts';
import { buildElectron } from '../../scripts/build-electron.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const APP_PAGE = 'studio-app://app/index.html';
const HELPERS = ['pathForFile', 'pickFolder', 'thumbnailUrl'];

type Listener = (event: IpcSenderInfo, ...args: unknown[]) => Promise<unknown>;

/** Both ends of Electron IPC in one process; the sender's frame URL is configurable. */
class MemoryIpc implements IpcMainLike, PreloadIpc {
  readonly handlers = new Map<string, Listener>();
  readonly rendererSide = new EventEmitter();
  sender: IpcSenderInfo = { senderFrame: { url: APP_PAGE, parent: null } };

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(this.sender, ...structuredClone(args)));
  }
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void {
    this.rendererSide.on(channel, listener);
  }
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void {
    this.rendererSide.off(channel, listener);
  }
  /** main → renderer (webContents.send). */
  send(channel: string, payload: unknown): void {
    this.rendererSide.emit(channel, { sender: 'the IPC event object' }, structuredClone(payload));
  }
}

/** A small in-memory library standing in for the studio: the transport is under test. */
function fakeLibrary() {
  const calls: string[] = [];
  const api: StudioApi = {
    async getAppInfo() {
      calls.push('getAppInfo');
      return { version: '0.1.0', dataDir: '/data', transport: 'electron', platform: 'linux' };
    },
    async listDatasets() {
      calls.push('listDatasets');
      return [];
    },
    async addDataset({ path: folder }) {
      calls.push('addDataset');
      const error = new Error(`'${folder}' does not exist`);
      error.name = 'NotFound';
      throw error;
    },
    async addSampleDataset() {
      return { datasetId: 1, images: 64, added: 64, changed: 0, removed: 0, skipped: [], cancelled: false };
    },
    async rescanDataset({ datasetId }) {
      return { datasetId, images: 0, added: 0, changed: 0, removed: 0, skipped: [], cancelled: false };
    },
    async cancelScan() {},
    async removeDataset() {},
    async listImages({ offset }) {
      return { total: 0, offset, images: [] };
    },
    async listSkipped() {
      return [{ path: 'bad.jpg', reason: 'not an image' }];
    },
  };
  const emitter = new EventEmitter();
  const events: StudioEventSource = {
    on(name, callback) {
      emitter.on(name, callback);
      return () => emitter.off(name, callback);
    },
  };
  const emit = <E extends keyof StudioEvents>(name: E, payload: StudioEvents[E]) => emitter.emit(name, payload);
  return { api, events, emit, calls, listenerCount: (name: string) => emitter.listenerCount(name) };
}

function connect() {
  const ipc = new MemoryIpc();
  const library = fakeLibrary();
  registerApiHandlers(ipc, library.api);
  handleTrusted(ipc, PICK_FOLDER_CHANNEL, async () => ({ ok: true, value: '/picked/folder' }));
  const stopEvents = forwardEvents(library.events, eventNames, (channel, payload) => ipc.send(channel, payload));
  const raw = createRawBridge({ ipc, pathForFile: (file) => `/dropped/${file.name}`, methods: methodNames, events: bundledEventNames });
  const page: { studio?: StudioBridge } = {};
  const studio = installStudioBridge(raw, page);
  return { ipc, library, studio, page, stopEvents };
}

function expectedBridgeKeys(): string[] {
  const subscriptions = eventNames.map((e) => `on${e[0]!.toUpperCase()}${e.slice(1)}`);
  return [...Object.keys(methodInputs), ...subscriptions, ...HELPERS].sort();
}

describe('Electron bridge (in-memory IPC)', () => {
  it('exposes exactly one function per contract method and event, plus the three helpers', () => {
    const { studio, ipc } = connect();
    assert.deepEqual(Object.keys(studio).sort(), expectedBridgeKeys());
    for (const key of Object.keys(studio)) assert.equal(typeof (studio as unknown as Record<string, unknown>)[key], 'function', key);
    // One main-side handler per method, plus the dialog: nothing else is reachable.
    assert.equal(ipc.handlers.size, Object.keys(methodInputs).length + 1);
  });

  it('installs window.studio read-only and frozen', () => {
    const { studio, page } = connect();
    assert.equal(page.studio, studio);
    assert.ok(Object.isFrozen(studio));
    assert.throws(() => {
      (page as Record<string, unknown>).studio = {};
    }, TypeError);
  });

  it('calls a method and resolves with its value', async () => {
    const { studio, library } = connect();
    assert.deepEqual(await studio.getAppInfo({}), { version: '0.1.0', dataDir: '/data', transport: 'electron', platform: 'linux' });
    assert.deepEqual(await studio.listSkipped({ datasetId: 3 }), [{ path: 'bad.jpg', reason: 'not an image' }]);
    assert.deepEqual(library.calls, ['getAppInfo']);
  });

  it('rethrows a service error as an Error with its name and message', async () => {
    const { studio } = connect();
    await assert.rejects(studio.addDataset({ path: '/no/such/folder' }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'NotFound');
      assert.equal(error.message, "'/no/such/folder' does not exist");
      return true;
    });
  });

  it('rejects invalid input before the service sees it, naming the field', async () => {
    const { studio, library } = connect();
    await assert.rejects(studio.addDataset({ path: '' }), { name: 'InvalidInput', message: /path: a folder path is required/ });
    await assert.rejects(studio.listImages({ datasetId: -1, offset: 0, limit: 10 }), { name: 'InvalidInput', message: /datasetId/ });
    assert.deepEqual(library.calls, []);
  });

  for (const [what, sender] of [
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file:// page', { senderFrame: { url: 'file:///tmp/index.html', parent: null } }],
    ['an iframe of the app', { senderFrame: { url: APP_PAGE, parent: { url: APP_PAGE } } }],
    ['a destroyed frame', { senderFrame: null }],
  ] as const) {
    it(`refuses calls from ${what} without running them`, async () => {
      const { studio, ipc, library } = connect();
      ipc.sender = sender;
      await assert.rejects(studio.getAppInfo({}), { name: 'Forbidden' });
      await assert.rejects(studio.pickFolder(), { name: 'Forbidden' });
      assert.deepEqual(library.calls, []);
    });
  }

  it('delivers events to onXxx subscribers (payload only) until they unsubscribe', () => {
    const { studio, library } = connect();
    const received: unknown[][] = [];
    const unsubscribe = studio.onScanProgress((...args) => received.push(args));
    const progress = { datasetId: 1, phase: 'reading', processed: 3, total: 10, added: 3, changed: 0, removed: 0, skipped: 0, message: null } as const;
    library.emit('scanProgress', progress);
    unsubscribe();
    library.emit('scanProgress', { ...progress, processed: 4 });
    assert.deepEqual(received, [[progress]]);
  });

  it('stops forwarding when the window goes away', () => {
    const { library, stopEvents } = connect();
    assert.equal(library.listenerCount('scanProgress'), 1);
    stopEvents();
    assert.equal(library.listenerCount('scanProgress'), 0);
    assert.equal(library.listenerCount('datasetsChanged'), 0);
  });

  it('refuses a subscription without a callback', () => {
    const { studio } = connect();
    assert.throws(() => studio.onDatasetsChanged(undefined as never), { name: 'TypeError', message: /onDatasetsChanged/ });
  });

  it('provides the helpers: picked folder, dropped path, thumbnail URL', async () => {
    const { studio } = connect();
    assert.equal(await studio.pickFolder(), '/picked/folder');
    assert.equal(studio.pathForFile({ name: 'photos' } as File), '/dropped/photos');
    assert.equal(studio.thumbnailUrl(7, 'a b/ü 😀.jpg'), 'studio-thumb://thumb/7/a%20b/%C3%BC%20%F0%9F%98%80.jpg');
  });

  it('routes events on one channel per event name', () => {
    assert.deepEqual(eventNames.map(eventChannel), ['studio:event:scanProgress', 'studio:event:datasetsChanged']);
  });
});

describe('installStudioBridge is self-contained (it is serialised into the page)', () => {
  it('works when rebuilt from its source text alone', async () => {
    const isolated = new Function(`return (${installStudioBridge.toString()});`)() as typeof installStudioBridge;
    const ipc = new MemoryIpc();
    registerApiHandlers(ipc, fakeLibrary().api);
    const raw = createRawBridge({ ipc, pathForFile: () => '', methods: methodNames, events: bundledEventNames });
    const studio = isolated(raw, {});
    assert.deepEqual(Object.keys(studio).sort(), expectedBridgeKeys());
    await assert.rejects(studio.addDataset({ path: '/x' }), { name: 'NotFound' });
  });
});

describe('the preload bundle', () => {
  let outDir = '';
  let source = '';
  before(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-preload-'));
    const [file] = await buildElectron({ rootDir: ROOT, outDir, only: ['preload'] });
    source = await fs.readFile(file!, 'utf8');
  });
  after(() => fs.rm(outDir, { recursive: true, force: true }));

  it('carries the contract names as literals, not zod', () => {
    assert.ok(!source.includes('ZodError'), 'zod was bundled into the preload');
    assert.ok(source.length < 50_000, `preload is ${source.length} bytes`);
    for (const name of [...methodNames, ...bundledEventNames]) assert.ok(source.includes(JSON.stringify(name)), `${name} missing`);
  });

  interface ExecutionScript {
    func: (...args: unknown[]) => unknown;
    args: unknown[];
  }

  /**
   * Evaluates the bundle as Electron's sandboxed preload would, with `contextBridge`
   * given; returns the modules it required.
   */
  function runPreload(contextBridge: Record<string, unknown>): { required: string[] } {
    const ipc = new MemoryIpc();
    registerApiHandlers(ipc, fakeLibrary().api);
    const run = { required: [] as string[] };
    const electron = { ipcRenderer: ipc, webUtils: { getPathForFile: (file: File) => `/dropped/${file.name}` }, contextBridge };
    const module = { exports: {} };
    vm.runInNewContext(source, {
      module,
      exports: module.exports,
      console,
      require: (name: string) => {
        run.required.push(name);
        if (name === 'electron') return electron;
        throw new Error(`a sandboxed preload cannot require '${name}'`);
      },
    });
    return run;
  }

  it('requires nothing but electron, and installs window.studio through executeInMainWorld', async () => {
    let script: ExecutionScript | undefined;
    const { required } = runPreload({
      executeInMainWorld(executed: ExecutionScript) {
        script = executed;
      },
      exposeInMainWorld() {
        throw new Error('executeInMainWorld should have been used');
      },
    });
    assert.deepEqual(required, ['electron']);
    assert.ok(script, 'executeInMainWorld was not called');
    // Electron serialises func: run it from its text in a separate context (the page).
    const page = vm.createContext({});
    const func = vm.runInContext(`(${script.func.toString()})`, page) as (raw: unknown) => StudioBridge;
    const studio = func(...(script.args as [unknown]));
    assert.equal(vm.runInContext('typeof globalThis.studio', page), 'object');
    assert.deepEqual(Object.keys(studio).sort(), expectedBridgeKeys());
    await assert.rejects(studio.addDataset({ path: '/x' }), (error: Error) => error.name === 'NotFound');
    assert.equal(studio.pathForFile({ name: 'f' } as File), '/dropped/f');
  });

  for (const [what, executeInMainWorld] of [
    ['is missing', undefined],
    [
      'throws',
      () => {
        throw new Error('experimental API disabled');
      },
    ],
  ] as const) {
    it(`falls back to exposeInMainWorld when executeInMainWorld ${what}`, async () => {
      let exposed: [string, StudioBridge] | undefined;
      const warn = console.warn;
      console.warn = () => undefined;
      try {
        runPreload({
          executeInMainWorld,
          exposeInMainWorld(key: string, api: StudioBridge) {
            exposed = [key, api];
          },
        });
      } finally {
        console.warn = warn;
      }
      assert.ok(exposed, 'exposeInMainWorld was not called');
      assert.equal(exposed[0], 'studio');
      assert.deepEqual(Object.keys(exposed[1]).sort(), expectedBridgeKeys());
      await assert.rejects(exposed[1].addDataset({ path: '/x' }), { message: "'/x' does not exist" });
    });
  }
});
