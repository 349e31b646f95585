// Web mode after the event socket was away: the server stops, the library and the
// experiments change while no event can reach the page, and the server comes back on
// the same port with the same token. The page shows the changes without a reload,
// because the web client signals the reconnection and the state reloads once.
// The studio runs in this process (real SQLite, sharp, scans); only its web server is
// stopped and started again, which is what a restart looks like to the browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebServer } from '../../main/api/web-server.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import { openStudioPage } from '../helpers/studio-page.ts';
import { BUILT_RENDERER_DIR, serveStudio } from '../helpers/web-studio.ts';

describe('web mode after a reconnection (browser)', () => {
  let temp: TempDir;
  let studio: Studio;
  let server: WebServer | null = null;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    temp = await createTempDir('simclr-e2e-reconnect-');
    await writeLabelledFolder(path.join(temp.path, 'first folder'), { classes: { a: 2 }, size: 32 });
    await writeLabelledFolder(path.join(temp.path, 'second folder'), { classes: { b: 2 }, size: 32 });
    studio = await createStudio({ dataDir: path.join(temp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, imageWorker: false });
    await studio.api.addDataset({ path: path.join(temp.path, 'first folder') });
    server = await serveStudio(studio, BUILT_RENDERER_DIR);
    ({ browser, page, pageErrors } = await openStudioPage(server, {
      viewport: { width: 1280, height: 800 },
      // While the server is down, Chromium logs the socket's failed reconnection attempts.
      expectedErrors: [/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/],
    }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await studio?.close();
    await temp?.remove();
  });

  test('changes made while the server was away appear once the socket is back', async () => {
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await folders.getByRole('button', { name: /first folder/ }).waitFor();
    await page.getByRole('button', { name: 'Experiments', exact: true }).click();
    const list = page.getByRole('complementary', { name: 'Experiments list' });
    await list.waitFor();
    // A marker that a reload would wipe.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const { port, token } = server!;
    await server!.close();
    server = null;
    // Nothing can reach the page now: these changes send events to nobody.
    const added = await studio.api.addDataset({ path: path.join(temp.path, 'second folder') });
    await studio.api.createExperiment({ datasetId: added.datasetId, name: 'made while away', config: {} });
    assert.equal(await folders.getByRole('button', { name: /second folder/ }).count(), 0, 'the page has not seen the new folder yet');

    server = await serveStudio(studio, BUILT_RENDERER_DIR, { port, token });
    await list.getByText('made while away').waitFor();
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await folders.getByRole('button', { name: /second folder/ }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page was not reloaded');
    await saveScreenshot(page, 'reconnect-library');

    // Events flow again on the new socket: a change now arrives as an event, as before.
    await studio.api.removeDataset({ datasetId: added.datasetId });
    await page.waitForFunction(() => !document.querySelector('nav[aria-label="Folders"]')?.textContent?.includes('second folder'));
    assert.deepEqual(pageErrors, []);
  });
});
