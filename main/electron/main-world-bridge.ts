// The page's half of window.studio. The preload runs this function IN THE PAGE'S WORLD
// (contextBridge.executeInMainWorld serialises it), so the Errors it throws are the
// page's own, with the `name` and `message` main sent — an Error thrown in the preload
// would arrive with its message only.
//
// It must therefore be SELF-CONTAINED: no imports, no module-level helpers, nothing
// from an enclosing scope — only its parameters and globals (a test evaluates its
// source text on its own to keep it so). Type-only imports are erased and fine.
import type { StudioBridge } from '../api/bridge.ts';
import type { RawBridge } from './raw-bridge.ts';

/**
 * Builds the StudioBridge from the preload's raw bridge (one method per raw method,
 * `onXxx` per raw event, the three helpers), freezes it, defines it as the read-only
 * `target.studio`, and returns it.
 */
export function installStudioBridge(raw: RawBridge, target: object = globalThis): StudioBridge {
  type Outcome = Awaited<ReturnType<RawBridge['pickFolder']>>;
  const unwrap = async (pending: Promise<Outcome>): Promise<unknown> => {
    const outcome = await pending;
    if (outcome.ok) return outcome.value;
    const error = new Error(outcome.error.message);
    error.name = outcome.error.name;
    throw error;
  };
  const bridge: Record<string, unknown> = {};
  for (const method of Object.keys(raw.methods) as (keyof RawBridge['methods'])[]) {
    bridge[method] = (input?: unknown) => unwrap(raw.methods[method](input ?? {}));
  }
  for (const event of Object.keys(raw.events) as (keyof RawBridge['events'])[]) {
    const subscribe = raw.events[event];
    const name = `on${event.charAt(0).toUpperCase()}${event.slice(1)}`;
    bridge[name] = (callback: (payload: unknown) => void) => {
      if (typeof callback !== 'function') throw new TypeError(`${name}: the callback must be a function`);
      return subscribe(callback);
    };
  }
  bridge.pathForFile = (file: File) => raw.pathForFile(file);
  bridge.pickFolder = () => unwrap(raw.pickFolder());
  bridge.thumbnailUrl = (datasetId: number, relPath: string) => raw.thumbnailUrl(datasetId, relPath);
  const studio = Object.freeze(bridge) as unknown as StudioBridge;
  Object.defineProperty(target, 'studio', { value: studio, writable: false, configurable: false, enumerable: true });
  return studio;
}
