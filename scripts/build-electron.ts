// `npm run build:electron`: bundles the desktop app's three entry points into
// dist/electron/ as CommonJS:
//   main.cjs     the main process (main/electron/main.ts and the services it imports)
//   preload.cjs  the sandboxed preload: a sandboxed preload can require only 'electron'
//                and a few built-ins at run time, so zod and our own files are bundled in
//   worker.cjs   the training worker thread (worker/index.ts)
// Native and heavy packages stay external and load from node_modules (unpacked from the
// asar by electron-builder.yml): electron itself, better-sqlite3, sharp, @tensorflow/*.
// Files the sources find next to themselves (the SQL migrations) are copied beside the
// bundles, where `import.meta.url` now points.
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
  readonly only?: readonly ('main' | 'preload' | 'worker')[];
}

const ENTRIES = {
  main: 'main/electron/main.ts',
  preload: 'main/electron/preload.ts',
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

export async function buildElectron(options: BuildElectronOptions): Promise<string[]> {
  const outDir = options.outDir ?? path.join(options.rootDir, 'dist', 'electron');
  const wanted = options.only ?? (Object.keys(ENTRIES) as (keyof typeof ENTRIES)[]);
  const common: esbuild.BuildOptions = {
    absWorkingDir: options.rootDir,
    bundle: true,
    format: 'cjs',
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    external: [...EXTERNALS],
    sourcemap: 'linked',
    logLevel: 'warning',
    // Electron 45 runs Chromium 142 and Node 24: no down-levelling needed.
    target: 'es2023',
  };
  const builds: Promise<esbuild.BuildResult>[] = [];
  const nodeEntries = wanted.filter((name) => name !== 'preload').map((name) => ({ in: ENTRIES[name], out: name }));
  if (nodeEntries.length > 0) {
    builds.push(esbuild.build({ ...common, ...IMPORT_META_SHIM, platform: 'node', entryPoints: nodeEntries }));
  }
  if (wanted.includes('preload')) {
    builds.push(
      esbuild.build({
        ...common,
        platform: 'browser',
        entryPoints: [{ in: ENTRIES.preload, out: 'preload' }],
        plugins: [contractNamesLiterals(options.rootDir)],
      }),
    );
  }
  await Promise.all(builds);
  if (nodeEntries.length > 0) {
    for (const { from, to } of RESOURCE_DIRS) {
      await fs.cp(path.join(options.rootDir, from), path.join(outDir, to), { recursive: true });
    }
  }
  return wanted.map((name) => path.join(outDir, `${name}.cjs`));
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
