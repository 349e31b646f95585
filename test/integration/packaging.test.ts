// Packaging invariants that would only show on a user's machine: electron-builder.yml
// (read with the same YAML parser electron-builder uses), `npm start` where Electron's
// program cannot be downloaded (the real situation on the build machine; the mirror is
// pointed at a closed local port so the download fails fast with or without network),
// and the shipped sample images.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { APP_SCHEME, APP_HOST, appContentSecurityPolicy } from '../../main/electron/app-url.ts';
import { createAppHandler } from '../../main/electron/protocol-handlers.ts';
import { DEFAULT_SAMPLE_OPTIONS, makeSampleImages, SAMPLE_LABELS } from '../../scripts/make-sample-images.ts';
import { displayProblem, downloadTimeoutSeconds, electronPackageDir, findElectronBinary, noElectronMessage } from '../../scripts/start-electron.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SAMPLE_DIR = path.join(ROOT, 'assets', 'sample-images');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string };
  files?: string[];
  npmRebuild?: boolean;
  asarUnpack?: string[];
  extraResources?: { from: string; to: string; filter?: string[] }[];
  linux?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  electronFuses?: Record<string, boolean>;
}

async function readBuilderConfig(): Promise<BuilderConfig> {
  // js-yaml is what electron-builder itself parses this file with (a dependency of it).
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(await fs.readFile(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** electron-builder's own loader and schema check (what `electron-builder` runs first; no download). */
function builderConfigApi(): {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
} {
  return require('app-builder-lib/out/util/config/config');
}
const quietLogger = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { getConfig, validateConfiguration } = builderConfigApi();
    const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    await validateConfiguration(config, quietLogger);
    assert.equal(config.productName, 'SimCLR Studio');
    // The check is real: a misspelt option is refused.
    await assert.rejects(validateConfiguration({ ...config, asarUnpak: ['x'] }, quietLogger), /asarUnpak/);
  });

  it('hardens the packaged program with Electron fuses', async () => {
    const fuses = (await readBuilderConfig()).electronFuses ?? {};
    assert.equal(fuses.runAsNode, false);
    assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
    assert.equal(fuses.enableNodeCliInspectArguments, false);
    assert.equal(fuses.grantFileProtocolExtraPrivileges, false);
  });

  it('names the app and builds AppImage + deb, NSIS and dmg', async () => {
    const config = await readBuilderConfig();
    assert.equal(config.productName, 'SimCLR Studio');
    assert.match(config.appId ?? '', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    assert.deepEqual(config.linux?.target?.slice().sort(), ['AppImage', 'deb']);
    assert.deepEqual(config.win?.target, ['nsis']);
    assert.deepEqual(config.mac?.target, ['dmg']);
  });

  it('never rebuilds native modules (they are N-API prebuilds)', async () => {
    assert.equal((await readBuilderConfig()).npmRebuild, false);
  });

  it('packs the built app and package.json, and writes its output outside dist/', async () => {
    const config = await readBuilderConfig();
    assert.ok(config.files?.includes('dist/**/*'));
    assert.ok(config.files?.includes('package.json'));
    const output = config.directories?.output ?? 'dist';
    assert.ok(!output.startsWith('dist'), `output '${output}' would be packed into the next build`);
  });

  it('unpacks every native module from the asar', async () => {
    const unpack = (await readBuilderConfig()).asarUnpack ?? [];
    for (const pattern of [
      'node_modules/better-sqlite3/**',
      'node_modules/sharp/**',
      'node_modules/@img/**',
      'node_modules/@tensorflow/tfjs-node/**',
      'node_modules/@tensorflow/tfjs-node-gpu/**',
      'node_modules/usearch/**',
    ]) {
      assert.ok(unpack.includes(pattern), `asarUnpack lacks ${pattern}`);
    }
    assert.ok(unpack.some((p) => p.startsWith('node_modules/@tensorflow/tfjs-backend-wasm/') && p.endsWith('.wasm')));
  });

  it('ships the sample images where main/electron/paths.ts looks, and an icon that exists', async () => {
    const config = await readBuilderConfig();
    const samples = config.extraResources?.find((r) => r.to === 'sample-images');
    assert.equal(samples?.from, 'assets/sample-images');
    for (const platform of [config.linux, config.win, config.mac]) {
      const icon = platform?.icon;
      assert.ok(icon, 'an icon is configured');
      const metadata = await sharp(path.join(ROOT, icon)).metadata();
      assert.ok(metadata.width >= 512 && metadata.height >= 512, 'macOS needs a 512 px icon');
    }
  });

  it('declares every package it unpacks as a dependency', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const shipped = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const name of ['better-sqlite3', 'sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm', 'usearch']) {
      assert.ok(shipped[name], `${name} is not a (optional) dependency, so electron-builder would not pack it`);
    }
    assert.equal(pkg.main, 'dist/electron/main.cjs', 'package.json main must be the bundle build-electron.ts writes');
  });
});

describe('npm start without Electron’s program', () => {
  const binary = findElectronBinary(electronPackageDir(ROOT));

  it('says so in one short paragraph, points to npm run serve, and exits 1', { skip: binary ? `Electron is installed here (${binary})` : false }, async () => {
    // An empty download cache, so a zip cached by an earlier download cannot be found
    // either (Electron would then be installed and launched).
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-electron-cache-'));
    const result = spawnSync('npm', ['start'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache, SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S: '60' },
    });
    await fs.rm(cache, { recursive: true, force: true });
    assert.equal(result.error, undefined);
    assert.equal(result.status, 1, result.stderr);
    const message = result.stderr.trim().split('\n');
    assert.ok(message.length <= 6, `not one short paragraph:\n${result.stderr}`);
    assert.match(result.stderr, /Electron's program, which is not installed/);
    assert.match(result.stderr, /`npm run serve`/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  it('finds the program only where path.txt points at an existing file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-electron-pkg-'));
    try {
      assert.equal(findElectronBinary(dir), null, 'no path.txt (never downloaded)');
      await fs.writeFile(path.join(dir, 'path.txt'), 'electron');
      assert.equal(findElectronBinary(dir), null, 'path.txt but no dist/ (download interrupted)');
      await fs.mkdir(path.join(dir, 'dist'));
      await fs.writeFile(path.join(dir, 'dist', 'electron'), '');
      assert.equal(findElectronBinary(dir), path.join(dir, 'dist', 'electron'));
      await fs.writeFile(path.join(dir, 'path.txt'), '');
      assert.equal(findElectronBinary(dir), null, 'an empty path.txt');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the download timeout, refusing nonsense with the variable named', () => {
    assert.equal(downloadTimeoutSeconds({}), 300);
    assert.equal(downloadTimeoutSeconds({ SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S: '20' }), 20);
    for (const bad of ['0', '-5', 'soon', 'Infinity']) {
      assert.throws(() => downloadTimeoutSeconds({ SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S: bad }), /SIMCLR_STUDIO_ELECTRON_DOWNLOAD_TIMEOUT_S must be a positive number/);
    }
  });

  it('says so when a Linux session has no display to show the window on, or is root', () => {
    assert.match(displayProblem('linux', {}, 1000) ?? '', /no display[\s\S]*`npm run serve`/);
    assert.equal(displayProblem('linux', { DISPLAY: ':0' }, 1000), null);
    assert.equal(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' }, 1000), null);
    assert.match(displayProblem('linux', { DISPLAY: ':0' }, 0) ?? '', /as root[\s\S]*`npm run serve`/);
    assert.equal(displayProblem('darwin', {}, 0), null);
    assert.equal(displayProblem('win32', {}, undefined), null);
  });

  it('keeps the message short for any reason', () => {
    const message = noElectronMessage('the download did not finish within 300 s');
    assert.ok(message.split('\n').every((line) => line.length <= 88));
    assert.match(message, /did not finish within 300 s/);
  });
});

describe('sample images', () => {
  async function listPngs(dir: string): Promise<string[]> {
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }

  it('are 4 labelled folders of 64×64 PNGs, under 1 MB in all', async () => {
    const files = await listPngs(SAMPLE_DIR);
    assert.equal(files.length, SAMPLE_LABELS.length * DEFAULT_SAMPLE_OPTIONS.perClass);
    let bytes = 0;
    for (const file of files) {
      assert.match(file, /^(stripes|checks|dots|rings)\/\1-\d\d\.png$/);
      const full = path.join(SAMPLE_DIR, file);
      const metadata = await sharp(full).metadata();
      assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 64, 64], file);
      bytes += (await fs.stat(full)).size;
    }
    assert.ok(bytes < 1_000_000, `${bytes} bytes`);
  });

  it('are exactly what scripts/make-sample-images.ts generates (pixel for pixel)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-samples-'));
    try {
      const written = await makeSampleImages(dir);
      assert.deepEqual(written.slice().sort(), await listPngs(SAMPLE_DIR));
      for (const file of written) {
        const [made, shipped] = await Promise.all([
          sharp(path.join(dir, file)).raw().toBuffer(),
          sharp(path.join(SAMPLE_DIR, file)).raw().toBuffer(),
        ]);
        assert.ok(made.equals(shipped), `${file} differs from the generator's output: re-run the script`);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses impossible options with a message naming the option', async () => {
    await assert.rejects(makeSampleImages(os.tmpdir(), { perClass: 0, size: 64, seed: 1 }), /perClass/);
    await assert.rejects(makeSampleImages(os.tmpdir(), { perClass: 1, size: 4, seed: 1 }), /size/);
  });
});

describe('the built renderer on studio-app://', () => {
  // Built by `npm test`'s pretest (npm run build:renderer), as the browser tests need too.
  const rendererDir = path.join(ROOT, 'dist', 'renderer');

  async function indexHtml(): Promise<string> {
    try {
      return await fs.readFile(path.join(rendererDir, 'index.html'), 'utf8');
    } catch {
      throw new Error(`${rendererDir}/index.html is missing: run \`npm run build:renderer\` (npm test does it first)`);
    }
  }

  it('has no inline script, which the CSP (script-src self) would block', async () => {
    const html = await indexHtml();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, 'no script at all');
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc=/, 'a script without src');
      assert.equal(body!.trim(), '', 'an inline script body');
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'an inline event handler');
    assert.match(appContentSecurityPolicy(), /script-src 'self'(;|$)/);
  });

  it('serves every file the page references, with a type the browser accepts', async () => {
    const html = await indexHtml();
    const serve = createAppHandler(rendererDir);
    const references = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !ref.startsWith('data:'));
    assert.ok(references.length >= 2, `expected the script and the stylesheet, found ${references.join(', ')}`);
    for (const reference of references) {
      const url = new URL(reference, `${APP_SCHEME}://${APP_HOST}/index.html`).href;
      const response = await serve({ url });
      assert.equal(response.status, 200, url);
      const type = response.headers.get('content-type') ?? '';
      // Module scripts are refused unless served with a JavaScript MIME type.
      if (reference.endsWith('.js')) assert.match(type, /^text\/javascript/, url);
      if (reference.endsWith('.css')) assert.match(type, /^text\/css/, url);
    }
  });

  it("compiles no code at run time unless the CSP allows it (the window would stay blank)", async () => {
    const assetsDir = path.join(rendererDir, 'assets');
    const scripts = (await fs.readdir(assetsDir)).filter((file) => file.endsWith('.js'));
    // regl (under regl-scatterplot) builds its draw calls with Function.apply, for example.
    const dynamicCode = /\bnew Function\(|\bFunction\.apply\(|(?<![\w.$])eval\(/;
    const allowsEval = /script-src[^;]*'unsafe-eval'/.test(appContentSecurityPolicy());
    for (const file of scripts) {
      const source = await fs.readFile(path.join(assetsDir, file), 'utf8');
      const match = dynamicCode.exec(source);
      if (match && !allowsEval) {
        assert.fail(
          `${file} compiles code at run time ('${source.slice(match.index, match.index + 40)}…'), which the CSP's script-src 'self' blocks: ` +
            "allow 'unsafe-eval' in main/electron/app-url.ts (and main/api/web-static.ts) or drop the library",
        );
      }
    }
  });
});
