// A large catalogue in the browser: 3,000 tiny images. The grid must keep only a window
// of tiles in the DOM wherever it is scrolled, fetch the records of the rows it shows,
// and still reach the last image. Screenshot: test-output/screenshots/grid-*.png.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, encodeImage, type TempDir } from '../helpers/image-fixtures.ts';
import { waitForVisibleThumbnails } from '../helpers/image-grid.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { closeStudio, openStudioPage } from '../helpers/studio-page.ts';

const IMAGE_COUNT = 3000;
const FOLDERS = 10;

/** Writes IMAGE_COUNT distinct 8×8 PNGs into FOLDERS sub-folders; returns the folder. */
async function writeLargeFolder(root: string): Promise<string> {
  const folder = path.join(root, 'many');
  for (let f = 0; f < FOLDERS; f++) await mkdir(path.join(folder, `part-${f}`), { recursive: true });
  const perFolder = IMAGE_COUNT / FOLDERS;
  for (let start = 0; start < IMAGE_COUNT; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        const i = start + k;
        const name = `img-${String(i % perFolder).padStart(4, '0')}.png`;
        await writeFile(path.join(folder, `part-${Math.floor(i / perFolder)}`, name), await encodeImage({ width: 8, height: 8, seed: i }));
      }),
    );
  }
  return folder;
}

interface GridState {
  tiles: number;
  firstPosition: number;
  lastPosition: number;
  setSize: number;
  scrollHeight: number;
}

function gridState(page: Page): Promise<GridState> {
  return page.$eval('[data-testid="image-grid"] [role="list"]', (list) => {
    const items = [...list.querySelectorAll('[role="listitem"]')];
    const positions = items.map((item) => Number(item.getAttribute('aria-posinset')));
    return {
      tiles: items.length,
      firstPosition: Math.min(...positions),
      lastPosition: Math.max(...positions),
      setSize: Number(items[0]?.getAttribute('aria-setsize')),
      scrollHeight: list.scrollHeight,
    };
  });
}

describe('virtualised thumbnail grid (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let folder: string;

  before(async () => {
    temp = await createTempDir('simclr-e2e-grid-');
    folder = await writeLargeFolder(temp.path);
    serve = await startServe({ dataDir: path.join(temp.path, 'data') });
    ({ browser, page, pageErrors } = await openStudioPage(serve, { viewport: { width: 1280, height: 800 } }));
    // Record every state of any progress bar, however briefly it is shown.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressTexts: string[] }).progressTexts = seen;
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[role="progressbar"]')) seen.push(`${bar.getAttribute('aria-label')}: ${bar.getAttribute('aria-valuetext')}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByLabel('Folder path').fill(folder);
    await page.getByRole('button', { name: 'Add folder' }).click();
    // A picture of the scan in progress, for people to look at (asserted below from the record).
    // Taken once the grid shows the first images found while the scan still runs; if the
    // scan is too quick for that, there is simply no picture.
    await page
      .waitForFunction(() => document.querySelector('[role="progressbar"]') && document.querySelector('[data-testid="image-grid"] figcaption:not(:empty)'), undefined, {
        timeout: 15000,
      })
      .then(() => saveScreenshot(page, 'grid-scanning'))
      .catch(() => undefined);
    await page.getByRole('tab', { name: 'Images (3,000)' }).waitFor();
    await page.waitForSelector('[data-testid="image-grid"] [role="listitem"]');
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('a progress bar followed the scan', async () => {
    const texts = await page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
    assert.ok(
      texts.some((text) => /^Scanning many: [\d,]+ of 3,000 files read/.test(text)),
      `progress of the 3,000 files was shown; saw: ${JSON.stringify([...new Set(texts)].slice(0, 5))}`,
    );
    assert.equal(await page.locator('[role="progressbar"]').count(), 0, 'and went away when the scan finished');
  });

  test('only a window of the 3,000 tiles is in the DOM at the top', async () => {
    const state = await gridState(page);
    assert.equal(state.setSize, IMAGE_COUNT, 'each tile says how many there are in all');
    assert.equal(state.firstPosition, 1);
    assert.ok(state.tiles > 0 && state.tiles < 150, `a window of tiles, not all of them (got ${state.tiles})`);
    assert.ok(state.scrollHeight > 100 * 800, `the canvas is as tall as all rows (got ${state.scrollHeight}px)`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="image-grid"] img')].some((image) => (image as HTMLImageElement).naturalWidth > 0),
    );
  });

  test('scrolling to the middle replaces the window and loads those records', async () => {
    await page.$eval('[data-testid="image-grid"] [role="list"]', (list) => {
      list.scrollTop = list.scrollHeight / 2;
    });
    await page.waitForFunction(() => {
      const first = document.querySelector('[data-testid="image-grid"] [role="listitem"]');
      return Number(first?.getAttribute('aria-posinset')) > 1000;
    });
    const state = await gridState(page);
    assert.ok(state.firstPosition > 1000 && state.lastPosition < 2000, `a window around the middle (${state.firstPosition}–${state.lastPosition})`);
    assert.ok(state.tiles < 150, `still a window (got ${state.tiles})`);
    // Records for the middle page arrive: captions are file names, not blank placeholders.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="image-grid"] figcaption')].every((caption) => /^img-\d{4}\.png$/.test(caption.textContent ?? '')),
    );
  });

  test('the keyboard reaches the last image, and the first tiles have left the DOM', async () => {
    await page.focus('[data-testid="image-grid"] [role="list"]');
    await page.keyboard.press('End');
    await page.waitForSelector(`[data-testid="image-grid"] [role="listitem"][aria-posinset="${IMAGE_COUNT}"]`);
    await page.waitForFunction(
      (last) => {
        const tile = document.querySelector(`[data-testid="image-grid"] [role="listitem"][aria-posinset="${last}"]`);
        return tile?.querySelector('figcaption')?.textContent === 'img-0299.png';
      },
      IMAGE_COUNT,
    );
    const state = await gridState(page);
    assert.equal(state.lastPosition, IMAGE_COUNT);
    assert.ok(state.firstPosition > IMAGE_COUNT - 150, `the top of the list is gone (first is ${state.firstPosition})`);
    // Every tile actually on screen shows its thumbnail.
    await waitForVisibleThumbnails(page);
    await saveScreenshot(page, 'grid-scrolled-to-end');
  });

  test('the page logged no errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
