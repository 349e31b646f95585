// The library screen in Debian's Chromium against a real `simclr-studio serve`: start
// empty, try the sample images, add a generated folder (with broken files) by path,
// see its thumbnails and skipped files, re-scan after a change, remove it (the files
// stay on disk), and read the data directory in the settings. Screenshots go to
// test-output/screenshots/library-*.png.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, encodeJpegDamagedPastHeader, writeBadInputs, writeImage, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { closeStudio, openStudioPage } from '../helpers/studio-page.ts';

/** Number of images in the grid that have really loaded (decoded, non-zero width). */
function loadedThumbnails(page: Page): Promise<number> {
  return page.$$eval('[data-testid="image-grid"] img', (images) =>
    images.filter((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0).length,
  );
}

async function waitForLoadedThumbnails(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('[data-testid="image-grid"] img')].filter(
        (image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0,
      ).length >= n,
    atLeast,
  );
}

describe('library screen (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let photos: string;
  let relPaths: string[];
  let dataDir: string;

  before(async () => {
    temp = await createTempDir('simclr-e2e-');
    photos = path.join(temp.path, 'holiday photos');
    relPaths = await writeLabelledFolder(photos, { classes: { beach: 5, hills: 5 }, size: 96, format: 'jpeg' });
    await writeBadInputs(photos, path.join(temp.path, 'outside'));
    // Intact to its end marker, so the scan catalogues it from its header; the thumbnail pass finds the damage.
    await writeFile(path.join(photos, 'bad', 'missing-table.jpg'), await encodeJpegDamagedPastHeader({ width: 64, height: 48, seed: 77 }));
    dataDir = path.join(temp.path, 'data');
    serve = await startServe({ dataDir });
    // Adding a missing folder is answered 422 on purpose, which Chromium logs. So may be a
    // tile's thumbnail request for bad/missing-table.jpg: 422 if the request is what
    // decodes it, 404 if the thumbnail pass has just moved it to the skipped list.
    ({ browser, page, pageErrors } = await openStudioPage(serve, { viewport: { width: 1280, height: 800 }, expectedErrors: [/status of 422/, /status of 404/] }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('an empty library offers the sample images', async () => {
    await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
    await saveScreenshot(page, 'library-empty');
    await page.getByRole('button', { name: 'Try with sample images' }).click();
    const folder = page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /sample-images/ });
    await folder.waitFor();
    await page.getByRole('tab', { name: 'Images (64)' }).waitFor();
    await waitForLoadedThumbnails(page, 12);
    await page.getByRole('status').filter({ hasText: '64 images in the catalogue' }).waitFor();
  });

  test('adding a folder by path shows its thumbnails', async () => {
    await page.getByLabel('Folder path').fill(photos);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const folder = page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /holiday photos/ });
    await folder.waitFor();
    // Selected as soon as it appears, while it is still being scanned.
    await page.locator('nav[aria-label="Folders"] button[aria-current="true"]', { hasText: 'holiday photos' }).waitFor();
    await page.getByRole('heading', { name: 'holiday photos' }).waitFor();
    await waitForLoadedThumbnails(page, relPaths.length);
    assert.ok((await loadedThumbnails(page)) >= relPaths.length);
    // Each caption is waited for: the grid reloads when the thumbnail pass changes the counts.
    for (const rel of relPaths) await page.locator('[data-testid="image-grid"] figcaption', { hasText: path.basename(rel) }).waitFor();
    assert.match((await folder.textContent()) ?? '', /skipped file/, 'the folder list shows the skipped count');
    await saveScreenshot(page, 'library-grid');
  });

  test('the skipped files are listed with their reasons', async () => {
    const tab = page.getByRole('tab', { name: /^Skipped \(\d+\)$/ });
    await tab.click();
    const table = page.getByTestId('skipped-list');
    // Found by the thumbnail pass after the scan, not by the scan: the list refreshes by itself.
    await table.locator('tbody tr', { hasText: 'bad/missing-table.jpg' }).waitFor();
    const count = Number(/\((\d+)\)/.exec((await tab.textContent()) ?? '')![1]);
    assert.ok(count >= 6, `broken files are skipped (got ${count})`);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.equal(rows.length, count);
    const byPath = new Map(rows.map(([file, reason]) => [file!, reason!]));
    assert.match(byPath.get('bad/missing-table.jpg') ?? '', /damaged or incomplete.*Quantization table 0x03 was not defined/);
    for (const broken of ['bad/empty.jpg', 'bad/notes-renamed.jpg', 'bad/truncated.png', 'bad/bomb.png', 'bad/truncated.jpg']) {
      assert.ok(byPath.has(broken), `${broken} is listed`);
      assert.ok(byPath.get(broken)!.length > 10, `${broken} has a reason: '${byPath.get(broken)}'`);
    }
    await saveScreenshot(page, 'library-skipped');
    await page.getByRole('tab', { name: /^Images/ }).click();
    await waitForLoadedThumbnails(page, relPaths.length);
    const captions = await page.$$eval('[data-testid="image-grid"] figcaption', (nodes) => nodes.map((n) => n.textContent));
    assert.ok(!captions.includes('missing-table.jpg'), 'the damaged file left the grid');
  });

  test('re-scanning picks up a new image', async () => {
    const imagesTab = page.getByRole('tab', { name: /^Images/ });
    const before = Number(/\((\d+)\)/.exec((await imagesTab.textContent()) ?? '')![1]);
    await writeImage(path.join(photos, 'beach', 'new-arrival.jpg'), { width: 80, height: 80, format: 'jpeg', seed: 4242 });
    await page.getByRole('button', { name: 'Re-scan', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '1 added, 0 changed, 0 removed' }).waitFor();
    await page.getByRole('tab', { name: `Images (${before + 1})` }).waitFor();
    await page.locator('[data-testid="image-grid"] figcaption', { hasText: 'new-arrival.jpg' }).waitFor();
  });

  test('removing a folder asks first and leaves the files on disk', async () => {
    await page.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove “holiday photos” from the library?' });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /The files on disk are not touched/);
    await saveScreenshot(page, 'library-remove-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /holiday photos/ }).count(), 1, 'cancel keeps it');

    await page.getByRole('button', { name: 'Remove…' }).click();
    await dialog.getByRole('button', { name: 'Remove from library' }).click();
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /holiday photos/ }).waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Its files on disk were not touched' }).waitFor();
    for (const rel of relPaths) assert.ok(existsSync(path.join(photos, rel)), `${rel} is still on disk`);
    assert.ok(existsSync(path.join(photos, 'bad', 'empty.jpg')), 'even the broken files stay');
  });

  test('adding a missing folder says so', async () => {
    const missing = path.join(temp.path, 'no such folder');
    await page.getByLabel('Folder path').fill(missing);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'no such folder' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Could not add/);
  });

  test('dropping a folder in the browser explains that its path must be typed', async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['x'], 'photos', { type: '' }));
      return transfer;
    });
    const zone = page.getByRole('region', { name: 'Add a folder of images' });
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await page.getByRole('status').filter({ hasText: 'Type the folder’s path instead' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Folders' }).getByRole('button').count(), 1, 'nothing was added');
  });

  test('the settings show the data directory', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('data-dir').textContent(), dataDir);
    await saveScreenshot(page, 'library-settings');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('without the token in its address the page says where to find it', async () => {
    // The cookie from the first visit lets the page load, but API calls need the token itself.
    try {
      await page.goto(`${serve.origin}/`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /address printed by `simclr-studio serve`, including its \?token=/);
    } finally {
      await page.goto(serve.url);
    }
  });

  test('the page logged no errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
