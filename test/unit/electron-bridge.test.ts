// The Electron IPC transport without Electron: the real studio (SQLite in a temp folder,
// the shipped sample images), the real main-side handlers (ipc-handlers.ts), the real
// preload halves (raw-bridge.ts, main-world-bridge.ts) and the real preload BUNDLE,
// connected by an in-memory IPC pair that clones every message the way Electron's
// structured clone does (so a non-serialisable value would fail here too).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { eventNames, methodInputs, type ScanProgress } from '../../main/api/contract.ts';
import type { IpcSenderInfo } from '../../main/electron/app-url.ts';
import { eventChannel, PICK_FOLDER_CHANNEL } from '../../main/electron/channels.ts';
import { eventNames as bundledEventNames, methodNames } from '../../main/electron/contract-names.ts';
import { forwardEvents, handleTrusted, registerApiHandlers, type IpcMainLike } from '../../main/electron/ipc-handlers.ts';
import { installStudioBridge } from '../../main/electron/main-world-bridge.ts';
import { createRawBridge, type PreloadIpc } from '../../main/electron/raw-bridge.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
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

const SHIPPED_SAMPLES = path.join(ROOT, 'assets', 'sample-images');
/** Two images of each shipped class: enough for the transport, quick to scan. */
const SAMPLES_PER_CLASS = 2;

let dataRoot = '';
let sampleDir = '';
let sampleCount = 0;
let studioCount = 0;
const studios: Studio[] = [];

/** A real studio in its own fresh data folder (closed and deleted after the tests). */
async function newStudio(): Promise<Studio> {
  const studio = await createStudio({
    dataDir: path.join(dataRoot, `studio-${++studioCount}`),
    transport: 'electron',
    sampleDir,
    thumbnailsAfterScan: false,
  });
  studios.push(studio);
  return studio;
}

/** The studio and the page's window.studio, joined by the in-memory IPC pair. */
async function connect() {
  const ipc = new MemoryIpc();
  const studio = await newStudio();
  registerApiHandlers(ipc, studio.api);
  handleTrusted(ipc, PICK_FOLDER_CHANNEL, async () => ({ ok: true, value: '/picked/folder' }));
  const stopEvents = forwardEvents(studio.events, eventNames, (channel, payload) => ipc.send(channel, payload));
  const raw = createRawBridge({ ipc, pathForFile: (file) => `/dropped/${file.name}`, methods: methodNames, events: bundledEventNames });
  const page: { studio?: StudioBridge } = {};
  const bridge = installStudioBridge(raw, page);
  return { ipc, studio, bridge, page, stopEvents };
}

before(async () => {
  dataRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-bridge-'));
  sampleDir = path.join(dataRoot, 'samples');
  for (const label of await fs.readdir(SHIPPED_SAMPLES)) {
    await fs.mkdir(path.join(sampleDir, label), { recursive: true });
    for (const file of (await fs.readdir(path.join(SHIPPED_SAMPLES, label))).sort().slice(0, SAMPLES_PER_CLASS)) {
      await fs.copyFile(path.join(SHIPPED_SAMPLES, label, file), path.join(sampleDir, label, file));
      sampleCount++;
    }
  }
});
after(async () => {
  for (const studio of studios) await studio.close();
  await fs.rm(dataRoot, { recursive: true, force: true });
});

function expectedBridgeKeys(): string[] {
  const subscriptions = eventNames.map((e) => `on${e[0]!.toUpperCase()}${e.slice(1)}`);
  return [...Object.keys(methodInputs), ...subscriptions, ...HELPERS].sort();
}

describe('Electron bridge (real studio, in-memory IPC)', () => {
  it('exposes exactly one function per contract method and event, plus the three helpers', async () => {
    const { bridge, ipc } = await connect();
    assert.deepEqual(Object.keys(bridge).sort(), expectedBridgeKeys());
    for (const key of Object.keys(bridge)) assert.equal(typeof (bridge as unknown as Record<string, unknown>)[key], 'function', key);
    // One main-side handler per method, plus the dialog: nothing else is reachable.
    assert.equal(ipc.handlers.size, Object.keys(methodInputs).length + 1);
  });

  it('installs window.studio read-only and frozen', async () => {
    const { bridge, page } = await connect();
    assert.equal(page.studio, bridge);
    assert.ok(Object.isFrozen(bridge));
    assert.throws(() => {
      (page as Record<string, unknown>).studio = {};
    }, TypeError);
  });

  it('calls methods and resolves with their values', async () => {
    const { bridge, studio } = await connect();
    const info = await bridge.getAppInfo({});
    assert.equal(info.transport, 'electron');
    assert.equal(info.dataDir, studio.dataDir);
    const added = await bridge.addSampleDataset({});
    assert.equal(added.images, sampleCount);
    const page = await bridge.listImages({ datasetId: added.datasetId, offset: 0, limit: 5 });
    assert.equal(page.total, sampleCount);
    assert.equal(page.images.length, 5);
    assert.deepEqual(await bridge.listSkipped({ datasetId: added.datasetId }), []);
  });

  it("rethrows the studio's error as an Error with its name and message", async () => {
    const { bridge } = await connect();
    const missing = path.join(dataRoot, 'no such folder');
    await assert.rejects(bridge.addDataset({ path: missing }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'LibraryError');
      assert.equal(error.message, `The folder '${missing}' does not exist.`);
      return true;
    });
  });

  it('rejects invalid input before the studio sees it, naming the field', async () => {
    const { bridge } = await connect();
    await assert.rejects(bridge.addDataset({ path: '' }), { name: 'InvalidInput', message: /path: a folder path is required/ });
    await assert.rejects(bridge.listImages({ datasetId: -1, offset: 0, limit: 10 }), { name: 'InvalidInput', message: /datasetId/ });
    await assert.rejects(bridge.listImages({ datasetId: 1, offset: 0, limit: 10_000 }), { name: 'InvalidInput', message: /limit/ });
  });

  for (const [what, sender] of [
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file:// page', { senderFrame: { url: 'file:///tmp/index.html', parent: null } }],
    ['an iframe of the app', { senderFrame: { url: APP_PAGE, parent: { url: APP_PAGE } } }],
    ['a destroyed frame', { senderFrame: null }],
  ] as const) {
    it(`refuses calls from ${what} without running them`, async () => {
      const { bridge, ipc } = await connect();
      ipc.sender = sender;
      await assert.rejects(bridge.addSampleDataset({}), { name: 'Forbidden' });
      await assert.rejects(bridge.pickFolder(), { name: 'Forbidden' });
      ipc.sender = { senderFrame: { url: APP_PAGE, parent: null } };
      assert.deepEqual(await bridge.listDatasets({}), [], 'the refused call added a dataset');
    });
  }

  it('delivers events to onXxx subscribers (payload only) until they unsubscribe', async () => {
    const { bridge } = await connect();
    const progress: unknown[][] = [];
    const changes: unknown[][] = [];
    const unsubscribe = bridge.onScanProgress((...args) => progress.push(args));
    bridge.onDatasetsChanged((...args) => changes.push(args));
    const { datasetId } = await bridge.addSampleDataset({});
    unsubscribe();
    assert.ok(progress.length > 0, 'no scanProgress event arrived');
    assert.ok(progress.every((args) => args.length === 1), 'the IPC event object reached the page');
    const last = progress.at(-1)![0] as ScanProgress;
    assert.equal(last.datasetId, datasetId);
    assert.equal(last.phase, 'done');
    assert.ok(changes.length > 0, 'no datasetsChanged event arrived');
    const seen = progress.length;
    await bridge.rescanDataset({ datasetId });
    assert.equal(progress.length, seen, 'an unsubscribed callback was called');
  });

  it('stops forwarding when the window goes away', async () => {
    const { bridge, ipc, stopEvents } = await connect();
    let delivered = 0;
    ipc.rendererSide.on(eventChannel('scanProgress'), () => delivered++);
    stopEvents();
    await bridge.addSampleDataset({});
    assert.equal(delivered, 0);
  });

  it('refuses a subscription without a callback', async () => {
    const { bridge } = await connect();
    assert.throws(() => bridge.onDatasetsChanged(undefined as never), { name: 'TypeError', message: /onDatasetsChanged/ });
  });

  it('provides the helpers: picked folder, dropped path, thumbnail URL', async () => {
    const { bridge } = await connect();
    assert.equal(await bridge.pickFolder(), '/picked/folder');
    assert.equal(bridge.pathForFile({ name: 'photos' } as File), '/dropped/photos');
    assert.equal(bridge.thumbnailUrl(7, 'a b/ü 😀.jpg'), 'studio-thumb://thumb/7/a%20b/%C3%BC%20%F0%9F%98%80.jpg');
  });

  it('routes events on one channel per event name', () => {
    const channels = eventNames.map(eventChannel);
    assert.equal(new Set(channels).size, eventNames.length);
    eventNames.forEach((event, i) => assert.ok(channels[i]!.endsWith(`:${event}`), channels[i]));
  });
});

describe('installStudioBridge is self-contained (it is serialised into the page)', () => {
  it('works when rebuilt from its source text alone', async () => {
    const isolated = new Function(`return (${installStudioBridge.toString()});`)() as typeof installStudioBridge;
    const ipc = new MemoryIpc();
    registerApiHandlers(ipc, (await newStudio()).api);
    const raw = createRawBridge({ ipc, pathForFile: () => '', methods: methodNames, events: bundledEventNames });
    const bridge = isolated(raw, {});
    assert.deepEqual(Object.keys(bridge).sort(), expectedBridgeKeys());
    await assert.rejects(bridge.addDataset({ path: '/no/such/folder' }), { name: 'LibraryError' });
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
  async function runPreload(contextBridge: Record<string, unknown>): Promise<{ required: string[] }> {
    const ipc = new MemoryIpc();
    registerApiHandlers(ipc, (await newStudio()).api);
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
    const { required } = await runPreload({
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
    const bridge = func(...(script.args as [unknown]));
    assert.equal(vm.runInContext('typeof globalThis.studio', page), 'object');
    assert.deepEqual(Object.keys(bridge).sort(), expectedBridgeKeys());
    await assert.rejects(bridge.addDataset({ path: '/no/such/folder' }), (error: Error) => error.name === 'LibraryError');
    assert.equal(bridge.pathForFile({ name: 'f' } as File), '/dropped/f');
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
        await runPreload({
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
      await assert.rejects(exposed[1].addDataset({ path: '/no/such/folder' }), { message: "The folder '/no/such/folder' does not exist." });
    });
  }
});
