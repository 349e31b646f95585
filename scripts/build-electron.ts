// `npm run build:electron`: bundles the desktop app into dist/electron/ as CommonJS:
//   main.cjs     the main process (main/electron/main.ts and the services it imports)
//   preload.cjs  the sandboxed preload: a sandboxed preload can require only 'electron'
//                and a few built-ins at run time, so our own files are bundled in
//   worker.cjs   the training worker thread (worker/index.ts), where
//                main/services/worker-host/worker-entry.ts looks for it
//   <other>.cjs  every other worker thread the code starts, found automatically (below)
// Native and heavy packages stay external and load from node_modules (unpacked from the
// asar by electron-builder.yml): electron itself, better-sqlite3, sharp, @tensorflow/*.
// Files the sources find next to themselves (the SQL migrations) are copied beside the
// bundles, where `import.meta.url` now points.
//
// Worker threads: the sources start a worker from its own file, named the one way
// bundlers understand, `new URL('./some-worker.ts', import.meta.url)`. In a bundle that
// .ts file is not there, so each such URL is rewritten to a bundle of that file of its
// own, `<path-from-root-with-dashes>.cjs` beside main.cjs (e.g.
// main/services/library/image-worker.ts → main-services-library-image-worker.cjs), and
// that bundle is built too (and the workers it starts, and so on).
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const EXTERNALS = ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*'] as const;

export interface BuildElectronOptions {
  /** Repository root (holds main/, worker/). */
  readonly rootDir: string;
  /** Where the bundles go; dist/electron by default. */
  readonly outDir?: string;
  /** Only the entries named here (tests bundle the preload alone). */
  readonly only?: readonly ('main' | 'preload')[];
}

const ENTRIES = {
  main: 'main/electron/main.ts',
  preload: 'main/electron/preload.ts',
  /** Built with main (`only: ['main']` includes it): main starts it. */
  worker: 'worker/index.ts',
} as const;

/**
 * CommonJS has no import.meta: point `import.meta.url` / `.dirname` at the bundle file,
 * so that `new URL('./migrations/', import.meta.url)` finds the copied folder.
 */
const IMPORT_META_SHIM = {
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
};

/** `new URL('./x.ts', import.meta.url)` (either quote; relative paths only). */
const WORKER_URL = /new URL\((['"])(\.\.?\/[^'"]+)\.ts\1,\s*import\.meta\.url\)/g;

/** The bundle name of a worker source: its path from the root, '/' → '-', no extension. */
export function workerBundleName(rootDir: string, source: string): string {
  return path.relative(rootDir, source).replace(/\.ts$/, '').split(path.sep).join('-');
}

/**
 * Rewrites worker URLs to their bundles' names and records each worker source in
 * `found` (source path → bundle name), so the build can bundle them next.
 */
function workerUrls(rootDir: string, found: Map<string, string>): esbuild.Plugin {
  return {
    name: 'worker-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        let rewritten = false;
        const contents = source.replace(WORKER_URL, (_match, quote: string, relative: string) => {
          const worker = path.resolve(path.dirname(args.path), `${relative}.ts`);
          const name = workerBundleName(rootDir, worker);
          found.set(worker, name);
          rewritten = true;
          return `new URL(${quote}./${name}.cjs${quote}, import.meta.url)`;
        });
        return rewritten ? { contents, loader: 'ts' } : undefined;
      });
    },
  };
}

/**
 * Replaces main/electron/contract-names.ts in the preload bundle with its values as
 * literals (read here, in Node, from the real module), so the preload needs no zod.
 */
function contractNamesLiterals(rootDir: string): esbuild.Plugin {
  const modulePath = path.join(rootDir, 'main', 'electron', 'contract-names.ts');
  return {
    name: 'contract-names-literals',
    setup(build) {
      build.onLoad({ filter: /[\\/]contract-names\.ts$/ }, async (args) => {
        if (path.resolve(args.path) !== modulePath) return undefined;
        const names = (await import(pathToFileURL(modulePath).href)) as { methodNames: readonly string[]; eventNames: readonly string[] };
        return {
          loader: 'js',
          contents: `export const methodNames = ${JSON.stringify(names.methodNames)};\nexport const eventNames = ${JSON.stringify(names.eventNames)};\n`,
        };
      });
    },
  };
}

/** Folders copied next to the bundles: source folder → name in outDir. */
const RESOURCE_DIRS = [{ from: 'main/db/migrations', to: 'migrations' }] as const;

/** Builds the bundles; returns their paths (preload, main, worker, then any workers found). */
export async function buildElectron(options: BuildElectronOptions): Promise<string[]> {
  const outDir = options.outDir ?? path.join(options.rootDir, 'dist', 'electron');
  const wanted = options.only ?? ['main', 'preload'];
  const common: esbuild.BuildOptions = {
    absWorkingDir: options.rootDir,
    bundle: true,
    format: 'cjs',
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    external: [...EXTERNALS],
    sourcemap: 'linked',
    logLevel: 'warning',
    // Electron 45 runs Chromium 142 and Node 22+: no down-levelling needed.
    target: 'es2023',
  };
  const built: string[] = [];
  // A full build starts clean, so no bundle of a worker that is gone gets packaged.
  if (!options.only) await fs.rm(outDir, { recursive: true, force: true });

  if (wanted.includes('preload')) {
    await esbuild.build({
      ...common,
      platform: 'browser',
      entryPoints: [{ in: ENTRIES.preload, out: 'preload' }],
      plugins: [contractNamesLiterals(options.rootDir)],
    });
    built.push(path.join(outDir, 'preload.cjs'));
  }

  if (wanted.includes('main')) {
    const workers = new Map<string, string>();
    const buildNode = (entry: string, out: string) =>
      esbuild.build({ ...common, ...IMPORT_META_SHIM, platform: 'node', entryPoints: [{ in: entry, out }], plugins: [workerUrls(options.rootDir, workers)] });
    await buildNode(ENTRIES.main, 'main');
    await buildNode(ENTRIES.worker, 'worker');
    built.push(path.join(outDir, 'main.cjs'), path.join(outDir, 'worker.cjs'));
    // Workers found while bundling may start workers of their own: build until none is new.
    const done = new Set<string>();
    for (let pending = [...workers]; pending.length > 0; pending = [...workers].filter(([source]) => !done.has(source))) {
      for (const [source, name] of pending) {
        done.add(source);
        await buildNode(source, name);
        built.push(path.join(outDir, `${name}.cjs`));
      }
    }
    for (const { from, to } of RESOURCE_DIRS) {
      await fs.cp(path.join(options.rootDir, from), path.join(outDir, to), { recursive: true });
    }
  }
  return built;
}

if (import.meta.main) {
  const rootDir = path.resolve(import.meta.dirname, '..');
  try {
    const files = await buildElectron({ rootDir });
    console.log(`built ${files.map((file) => path.relative(rootDir, file)).join(', ')}`);
  } catch (error) {
    // esbuild has already printed the errors with file and line.
    console.error(`build:electron failed: ${(error as Error).message.split('\n')[0]}`);
    process.exitCode = 1;
  }
}
