// The renderer's desktop branch, driven through the REAL preload halves of window.studio
// (main/electron/raw-bridge.ts + main-world-bridge.ts): Electron's binary cannot run
// here, so only its IPC is replaced — by the web server's HTTP + WebSocket — and the
// answers only Electron has (a dropped folder's path, the native dialog) come from the
// test (see support/desktop-bridge-over-http.ts). Checks that the renderer picks
// window.studio over the web client, offers "Choose folder…", adds dropped folders by
// their path, and shows main's error messages through the bridge.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import { PROJECT_ROOT, startServe, type ServeProcess } from '../helpers/serve.ts';
import { closeStudio, openStudioPage } from '../helpers/studio-page.ts';

async function bundleStandIn(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'test', 'e2e', 'support', 'desktop-bridge-over-http.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('desktop bridge in the renderer (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let picked: string;
  let dropped: string;

  before(async () => {
    temp = await createTempDir('simclr-e2e-desktop-');
    picked = path.join(temp.path, 'picked');
    dropped = path.join(temp.path, 'dropped');
    await writeLabelledFolder(picked, { classes: { a: 3 }, size: 32 });
    await writeLabelledFolder(dropped, { classes: { b: 4 }, size: 32, seedOffset: 50 });
    serve = await startServe({ dataDir: path.join(temp.path, 'data') });
    ({ browser, page, pageErrors } = await openStudioPage(serve, {
      viewport: { width: 1280, height: 800 },
      // Invalid input (400) and a missing folder (422) are provoked on purpose; Chromium logs them.
      expectedErrors: [/status of 400/, /status of 422/],
      initScript: await bundleStandIn(),
    }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('the desktop controls are offered', async () => {
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Choose folder…' }).count(), 1);
    assert.match((await page.getByRole('region', { name: 'Add a folder of images' }).textContent()) ?? '', /Drop a folder of images here/);
    await saveScreenshot(page, 'desktop-empty');
  });

  test('"Choose folder…" adds the folder the dialog returns', async () => {
    await page.evaluate((folder) => (window.desktopStandIn.pickFolderAnswer = folder), picked);
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await page.locator('nav[aria-label="Folders"] button[aria-current="true"]', { hasText: 'picked' }).waitFor();
    await page.getByRole('tab', { name: 'Images (3)' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="image-grid"] img')].filter((i) => (i as HTMLImageElement).naturalWidth > 0).length === 3);
  });

  test('a cancelled dialog adds nothing', async () => {
    await page.evaluate(() => (window.desktopStandIn.pickFolderAnswer = null));
    const callsBefore = await page.evaluate(() => window.desktopStandIn.pickFolderCalls);
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    // The press reached the dialog (else "nothing added" below would prove nothing).
    await page.waitForFunction((before) => window.desktopStandIn.pickFolderCalls === before + 1, callsBefore);
    // The bridge answered (null); wait for the round trip by asking it again ourselves.
    assert.equal(await page.evaluate(() => window.studio!.pickFolder()), null);
    assert.equal(await page.getByRole('navigation', { name: 'Folders' }).getByRole('button').count(), 1);
  });

  test('a dropped folder is added by the path Electron gives for it', async () => {
    await page.evaluate((folder) => (window.desktopStandIn.droppedPaths = { dropped: folder }), dropped);
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([''], 'dropped'));
      return transfer;
    });
    const zone = page.getByRole('region', { name: 'Add a folder of images' });
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await page.locator('nav[aria-label="Folders"] button[aria-current="true"]', { hasText: 'dropped' }).waitFor();
    await page.getByRole('tab', { name: 'Images (4)' }).waitFor();
    await saveScreenshot(page, 'desktop-dropped');
  });

  test("main's errors reach the page with their message", async () => {
    const error = await page.evaluate(async () => {
      try {
        await window.studio!.listImages({ datasetId: 0, offset: 0, limit: 1 });
        return null;
      } catch (caught) {
        return { name: (caught as Error).name, message: (caught as Error).message };
      }
    });
    assert.equal(error?.name, 'InvalidInput');
    assert.match(error?.message ?? '', /datasetId/);
    await page.getByLabel('Folder path').fill(path.join(temp.path, 'missing'));
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page.getByRole('alert').filter({ hasText: 'missing' }).waitFor();
  });

  test('the page logged no errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
