// Where the worker thread's entry is: worker/index.ts run from source (Node 24 strips
// the types), or worker.cjs beside the bundle when main runs as dist/electron/main.cjs
// (scripts/build-electron.ts bundles both; main/electron/paths.ts names the same file).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function defaultWorkerUrl(moduleUrl: string = import.meta.url): URL {
  const file = fileURLToPath(moduleUrl);
  if (file.endsWith('.cjs')) return pathToFileURL(path.join(path.dirname(file), 'worker.cjs'));
  return new URL('../../../worker/index.ts', moduleUrl);
}
