// The desktop app's security checks as plain functions: which senders and navigations
// are trusted, the CSP, thumbnail URLs (encoding and every path trick), and the two
// protocol handlers serving real files from a temp folder.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { APP_ENTRY_URL, appContentSecurityPolicy, isAppUrl, isTrustedSender } from '../../main/electron/app-url.ts';
import { appPaths, desktopDataDir } from '../../main/electron/paths.ts';
import { createAppHandler, createThumbnailHandler, type ProtocolHandler } from '../../main/electron/protocol-handlers.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { parseThumbnailUrl } from '../../main/electron/thumb-request.ts';
import { thumbnailUrl } from '../../main/electron/thumb-url.ts';

describe('sender and navigation checks', () => {
  it('trusts only the top-level page of studio-app://app', () => {
    const top = (url: string) => ({ senderFrame: { url, parent: null } });
    assert.equal(isTrustedSender(top(APP_ENTRY_URL)), true);
    assert.equal(isTrustedSender(top('studio-app://app/index.html#/library')), true);
    for (const url of [
      'https://evil.example/index.html',
      'file:///work/dist/renderer/index.html',
      'studio-app://evil/index.html',
      'studio-app://app:8080/index.html',
      'studio-app://user:pw@app/index.html',
      'studio-thumb://thumb/1/a.png',
      'STUDIO-APP-x://app/',
      '',
      'not a url',
    ]) {
      assert.equal(isTrustedSender(top(url)), false, url);
    }
    assert.equal(isTrustedSender({ senderFrame: { url: APP_ENTRY_URL, parent: {} } }), false, 'a subframe');
    assert.equal(isTrustedSender({ senderFrame: null }), false, 'a destroyed frame');
  });

  it('allows navigation only within the app', () => {
    assert.equal(isAppUrl('studio-app://app/other.html'), true);
    assert.equal(isAppUrl('file:///home/me/photos'), false, 'a folder dropped on the window');
    assert.equal(isAppUrl('https://example.com/'), false);
    assert.equal(isAppUrl(undefined), false);
  });

  it('sets a CSP that allows scripts only from the app and images from the thumbnail scheme', () => {
    const directives = new Map(
      appContentSecurityPolicy()
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values] as const),
    );
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.ok(directives.get('img-src')?.includes('studio-thumb:'));
    assert.ok(!appContentSecurityPolicy().includes('unsafe-eval'));
    assert.deepEqual(directives.get('connect-src'), ["'self'"], 'no network from the page');
  });
});

describe('thumbnail URLs', () => {
  it('round-trips names with spaces, unicode, emoji and URL syntax characters', () => {
    for (const relPath of ['a.jpg', 'sub dir/ü 😀.png', 'x/y/z#1?.webp', 'percent%20name.jpg', 'semi;colon,comma&amp.png']) {
      const url = thumbnailUrl(42, relPath);
      assert.match(url, /^studio-thumb:\/\/thumb\/42\//);
      assert.deepEqual(parseThumbnailUrl(url), { ok: true, datasetId: 42, relPath }, relPath);
    }
  });

  it('ignores a query or fragment', () => {
    assert.deepEqual(parseThumbnailUrl('studio-thumb://thumb/3/a.png?v=2#x'), { ok: true, datasetId: 3, relPath: 'a.png' });
  });

  for (const [what, url] of [
    ['a .. segment', 'studio-thumb://thumb/1/../../etc/passwd'],
    ['an encoded .. segment', 'studio-thumb://thumb/1/%2e%2e/secret.png'],
    ['an encoded slash', 'studio-thumb://thumb/1/a%2F..%2F..%2Fb.png'],
    ['an encoded backslash', 'studio-thumb://thumb/1/..%5C..%5Cb.png'],
    ['an absolute path', 'studio-thumb://thumb/1//etc/passwd'],
    ['a Windows drive', 'studio-thumb://thumb/1/C:/Windows/win.ini'],
    ['a NUL', 'studio-thumb://thumb/1/a%00.png'],
    ['a bad escape', 'studio-thumb://thumb/1/%E0%A4%A.png'],
    ['no image path', 'studio-thumb://thumb/1'],
    ['dataset id 0', 'studio-thumb://thumb/0/a.png'],
    ['a non-numeric id', 'studio-thumb://thumb/x/a.png'],
    ['another host', 'studio-thumb://evil/1/a.png'],
    ['another scheme', 'file:///thumb/1/a.png'],
  ] as const) {
    it(`refuses ${what}`, () => {
      const parsed = parseThumbnailUrl(url);
      assert.equal(parsed.ok, false, url);
      if (!parsed.ok) assert.ok(parsed.reason.length > 0);
    });
  }
});

describe('app protocol (real files)', () => {
  let dir = '';
  let rendererDir = '';
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-protocol-'));
    rendererDir = path.join(dir, 'renderer');
    await fs.mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>SimCLR Studio</title>');
    await fs.writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await fs.writeFile(path.join(dir, 'secret.txt'), 'not for the page');
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('serves the page with the CSP and assets with their type', async () => {
    const serve = createAppHandler(rendererDir);
    const page = await serve({ url: APP_ENTRY_URL });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), appContentSecurityPolicy());
    assert.match(await page.text(), /SimCLR Studio/);
    const script = await serve({ url: 'studio-app://app/assets/app.js' });
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
  });

  it('serves nothing outside the renderer folder', async () => {
    const serve = createAppHandler(rendererDir);
    for (const url of [
      'studio-app://app/%2e%2e/secret.txt',
      'studio-app://app/assets/..%2F..%2Fsecret.txt',
      'studio-app://app/..%5Csecret.txt',
      'studio-app://other/index.html',
      'studio-app://app/missing.js',
      'studio-app://app/assets',
    ]) {
      const response = await serve({ url });
      assert.equal(response.status, 404, url);
      assert.doesNotMatch(await response.text(), /not for the page/);
    }
  });

});

describe('thumbnail protocol over the real thumbnail service', () => {
  let dir = '';
  let studio: Studio;
  let datasetId = 0;
  let serve: ProtocolHandler;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-thumb-protocol-'));
    const photos = path.join(dir, 'photos');
    await fs.mkdir(path.join(photos, 'sub dir'), { recursive: true });
    await fs.mkdir(path.join(dir, 'outside'));
    const image = (colour: string) => sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png();
    await image('#c33').toFile(path.join(photos, 'sub dir', 'ü 😀.png'));
    await image('#3c3').toFile(path.join(dir, 'outside', 'secret.png'));
    // A link inside the dataset that leads out of it.
    await fs.symlink(path.join(dir, 'outside', 'secret.png'), path.join(photos, 'link.png'));
    studio = await createStudio({ dataDir: path.join(dir, 'data'), transport: 'electron', thumbnailsAfterScan: false });
    datasetId = (await studio.api.addDataset({ path: photos })).datasetId;
    serve = createThumbnailHandler((id, relPath) => studio.thumbnails.thumbnailFile(id, relPath));
  });
  after(async () => {
    await studio.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the thumbnail of a catalogued image, whatever its name', async () => {
    const response = await serve({ url: thumbnailUrl(datasetId, 'sub dir/ü 😀.png') });
    assert.equal(response.status, 200, await response.clone().text());
    const type = response.headers.get('content-type') ?? '';
    assert.match(type, /^image\//);
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    assert.equal(`image/${metadata.format}`, type);
    assert.equal(metadata.width, 40, 'a small image is not enlarged');
  });

  it('refuses a link that leads out of the dataset', async () => {
    const response = await serve({ url: thumbnailUrl(datasetId, 'link.png') });
    assert.ok([400, 404].includes(response.status), `status ${response.status}`);
    assert.match(await response.text(), /link\.png/);
  });

  it('answers 400 for an unsafe URL before asking the service', async () => {
    const response = await serve({ url: `studio-thumb://thumb/${datasetId}/%2e%2e/%2e%2e/etc/passwd` });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /^bad thumbnail request/);
  });

  it("passes the service's refusal on with its message", async () => {
    const unknownImage = await serve({ url: thumbnailUrl(datasetId, 'never-scanned.png') });
    assert.equal(unknownImage.status, 404);
    assert.match(await unknownImage.text(), /never-scanned\.png/);
    const unknownDataset = await serve({ url: thumbnailUrl(datasetId + 100, 'a.png') });
    assert.equal(unknownDataset.status, 404);
  });
});

describe('app paths', () => {
  it('finds the bundles, renderer and samples in development and when packaged', () => {
    const root = path.resolve('/repo');
    const dev = appPaths({ bundleDir: path.join(root, 'dist', 'electron'), isPackaged: false, resourcesPath: '/unused' });
    assert.equal(dev.preload, path.join(root, 'dist', 'electron', 'preload.cjs'));
    assert.equal(dev.rendererDir, path.join(root, 'dist', 'renderer'));
    assert.equal(dev.sampleDir, path.join(root, 'assets', 'sample-images'));
    const resources = path.resolve('/opt/SimCLR Studio/resources');
    const packaged = appPaths({ bundleDir: path.join(resources, 'app.asar', 'dist', 'electron'), isPackaged: true, resourcesPath: resources });
    assert.equal(packaged.sampleDir, path.join(resources, 'sample-images'));
    assert.equal(packaged.rendererDir, path.join(resources, 'app.asar', 'dist', 'renderer'));
  });

  it('keeps the data in userData unless SIMCLR_STUDIO_DATA_DIR says otherwise', () => {
    const userData = path.resolve('/home/me/.config/SimCLR Studio');
    assert.equal(desktopDataDir({}, userData), userData);
    assert.equal(desktopDataDir({ SIMCLR_STUDIO_DATA_DIR: '' }, userData), userData);
    assert.equal(desktopDataDir({ SIMCLR_STUDIO_DATA_DIR: '/srv/studio' }, userData), path.resolve('/srv/studio'));
  });
});
