// The embedding explorer in Debian's Chromium against a real `simclr-studio serve`
// (real SQLite, the real worker thread) on a tiny run trained through the API (12
// generated images in 3 sub-folders, 16 px, width 0.125, batch 4, 1 epoch): "Explore"
// on the finished run, the WebGL map renders, a click on a point shows neighbours with
// scores, a dropped image finds its own copy first, a non-image gets the backend's
// message, before/after, label accuracy, lasso, a selection exported to a CSV (and
// refused into a non-empty folder), and a library grid click showing neighbours. Screenshots go to test-output/screenshots/explorer-*.png.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { nextFrames, saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';
import type { ServeProcess } from '../helpers/serve.ts';
import { serveTinyRun } from '../helpers/served-tiny-run.ts';
import { closeStudio, exploreRun, openStudioPage } from '../helpers/studio-page.ts';

/**
 * The CSS position (inside the map canvas) of a drawn point, found by reading the WebGL
 * canvas's pixels: the first pixel far from the background colour. Null when the canvas
 * shows only background (nothing drawn).
 */
function findDrawnPoint(page: Page): Promise<{ x: number; y: number; coloured: number } | null> {
  return page.getByTestId('scatter-map').evaluate((element) => {
    const source = element as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext('2d')!;
    context.drawImage(source, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, copy.width, copy.height);
    const background = [data[0]!, data[1]!, data[2]!];
    let coloured = 0;
    let found: { px: number; py: number } | null = null;
    for (let i = 0; i < width * height; i++) {
      const distance = Math.abs(data[4 * i]! - background[0]!) + Math.abs(data[4 * i + 1]! - background[1]!) + Math.abs(data[4 * i + 2]! - background[2]!);
      if (distance < 90) continue;
      coloured++;
      found ??= { px: i % width, py: Math.floor(i / width) };
    }
    if (!found) return null;
    const scale = source.clientWidth / source.width;
    // A couple of pixels inside the point's top edge, to hit its centre region.
    return { x: (found.px + 2) * scale, y: (found.py + 3) * scale, coloured };
  });
}

async function dropFile(page: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([fileName, content, mime]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(content)], fileName, { type: mime }));
      return transfer;
    },
    [name, [...bytes], type] as const,
  );
  const zone = page.getByRole('region', { name: 'Drop an image to find its neighbours' });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

describe('embedding explorer (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let api: StudioBridge;
  let pageErrors: string[];
  let photos: string;
  let relPaths: string[];
  let runId: number;

  before(async () => {
    temp = await createTempDir('simclr-e2e-explorer-');
    const served = await serveTinyRun(temp, { classes: { roses: 4, ferns: 4, moss: 4 }, size: 32, format: 'png' }, 'Tiny explorer run', { seed: 3 });
    ({ serve, api, photos, relPaths } = served);
    const { outcome } = served;
    assert.equal(outcome.status, 'done', `the tiny run trains (${outcome.status}: ${outcome.reason})`);
    runId = outcome.runId;
    ({ browser, page, pageErrors } = await openStudioPage(serve, {
      viewport: { width: 1360, height: 860 },
      // Embedding and UMAP run in the worker.
      timeoutMs: 120_000,
      // The non-image query and the refused export are answered 4xx on purpose, which Chromium logs.
      expectedErrors: [/status of 4\d\d/],
    }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('"Explore" on the finished run computes the embeddings and draws the map', async () => {
    await exploreRun(page, /Tiny explorer run/, runId, 12);
    await page.getByTestId('set-summary').filter({ hasText: '12 images' }).waitFor();
    // The legend names the three sub-folders.
    const legend = page.getByRole('list', { name: 'Colours by sub-folder' });
    for (const label of ['roses', 'ferns', 'moss']) await legend.getByText(label).waitFor();
    const point = await findDrawnPoint(page);
    assert.ok(point, 'the map canvas shows drawn points, not only background');
    assert.ok(point.coloured > 12, `several point pixels are coloured (${point.coloured})`);
  });

  test('a click on a point shows its neighbours with similarity scores', async () => {
    const point = await findDrawnPoint(page);
    assert.ok(point);
    await page.getByTestId('scatter-map').click({ position: { x: point.x, y: point.y } });
    const grid = page.getByRole('list', { name: 'Neighbours after pretraining' });
    await grid.waitFor();
    assert.equal(await grid.getByRole('listitem').count(), 11, 'every other image, most similar first');
    const scores = (await grid.getByTestId('similarity').allInnerTexts()).map((text) => Number(/-?\d\.\d{3}/.exec(text)![0]));
    assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'sorted by similarity');
    assert.ok(scores.every((s) => s >= -1 && s <= 1));
    const query = await page.getByTestId('neighbour-query').innerText();
    assert.ok(relPaths.includes(query), `the query is an image of the set (${query})`);
    await page.getByRole('heading', { name: 'Sub-folders as labels' }).waitFor();
    await page.getByTestId('knn-accuracy').waitFor();
    await saveScreenshot(page, 'explorer-map-neighbours');
  });

  test('a dropped image finds its own copy first; a non-image gets the backend message', async () => {
    const bytes = await readFile(path.join(photos, 'ferns', 'ferns-2.png'));
    await dropFile(page, 'dropped.png', bytes, 'image/png');
    await page.getByTestId('neighbour-query').filter({ hasText: 'dropped.png' }).waitFor();
    const grid = page.getByRole('list', { name: 'Neighbours after pretraining' });
    const first = grid.getByRole('listitem').first();
    assert.match(await first.getByRole('button').getAttribute('title') ?? '', /ferns\/ferns-2\.png$/);
    assert.match(await first.getByTestId('similarity').innerText(), /1\.000/);

    await dropFile(page, 'notes.txt', Buffer.from('not an image at all'), 'text/plain');
    const alert = page.getByRole('alert').filter({ hasText: 'notes.txt' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /not an image/);
  });

  test('before / after shows the same query under a random-initialised encoder', async () => {
    await page.getByRole('button', { name: /ferns-2\.png/ }).first().click();
    await page.getByTestId('neighbour-query').filter({ hasText: 'ferns/ferns-2.png' }).waitFor();
    await page.getByLabel('Before / after').check();
    const before = page.getByRole('list', { name: 'Neighbours before pretraining' });
    await before.waitFor();
    assert.equal(await before.getByRole('listitem').count(), 11);
    await saveScreenshot(page, 'explorer-before-after');
    await page.getByLabel('Before / after').uncheck();
  });

  test('the wheel zooms the map, a drag pans it, "0" resets the view', async () => {
    const map = page.getByTestId('scatter-map');
    const box = (await map.boundingBox())!;
    const start = (await findDrawnPoint(page))!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await nextFrames(page);
    assert.notDeepEqual(await findDrawnPoint(page), start, 'zooming moved the points on screen');
    await map.press('0');
    await nextFrames(page);
    assert.deepEqual(await findDrawnPoint(page), start, 'the reset view draws the points where they started');
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + box.height / 2 + 40, { steps: 5 });
    await page.mouse.up();
    await nextFrames(page);
    const panned = (await findDrawnPoint(page))!;
    assert.ok(Math.abs(panned.x - start.x - 100) <= 3 && Math.abs(panned.y - start.y - 40) <= 3, `the drag moved the picture by (100, 40): ${JSON.stringify({ start, panned })}`);
    await map.press('0');
    await nextFrames(page);
  });

  test('a shift-drag lasso around the whole map selects every image', async () => {
    const box = (await page.getByTestId('scatter-map').boundingBox())!;
    const corners = [
      [box.x + 3, box.y + 3],
      [box.x + box.width - 3, box.y + 3],
      [box.x + box.width - 3, box.y + box.height - 3],
      [box.x + 3, box.y + box.height - 3],
    ] as const;
    await page.keyboard.down('Shift');
    await page.mouse.move(corners[0][0], corners[0][1]);
    await page.mouse.down();
    for (const [x, y] of [...corners.slice(1), corners[0]]) await page.mouse.move(x, y, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.getByText('12 images selected on the map.').waitFor();
    // Escape on the map clears it; a click on one point selects just that one again.
    await page.getByTestId('scatter-map').press('Escape');
    await page.getByText('Nothing selected').waitFor();
    const point = (await findDrawnPoint(page))!;
    await page.getByTestId('scatter-map').click({ position: { x: point.x, y: point.y } });
    await page.getByText('1 image selected on the map.').waitFor();
  });

  test('the selection is exported as CSV; copies into a non-empty folder are refused with the reason', async () => {
    const target = path.join(temp.path, 'exports', 'selection.csv');
    await mkdir(path.dirname(target), { recursive: true });
    await page.getByLabel(/Save to/).fill(target);
    await page.getByRole('button', { name: 'Selection as CSV' }).click();
    await page.getByTestId('export-outcome').filter({ hasText: 'saved' }).waitFor();
    assert.ok(existsSync(target), 'the CSV exists');
    const rows = (await readFile(target, 'utf8')).trim().split('\n').slice(1);
    assert.equal(rows.length, 1, 'one row: the one selected image');
    assert.ok(relPaths.some((relPath) => rows[0]!.includes(relPath)), `the row names an image of the set: ${rows[0]}`);

    const full = path.join(temp.path, 'full');
    await mkdir(full);
    await writeFile(path.join(full, 'keep.txt'), 'mine');
    await page.getByLabel(/Save to/).fill(full);
    await page.getByRole('button', { name: 'Copy selected files to folder' }).click();
    const refusal = page.getByTestId('export-outcome');
    await refusal.filter({ hasNotText: 'saved' }).waitFor();
    assert.match(await refusal.innerText(), /full/);
    assert.equal(await readFile(path.join(full, 'keep.txt'), 'utf8'), 'mine', 'nothing in the folder was touched');
    await saveScreenshot(page, 'explorer-export');
  });

  test('the near-duplicate list follows its threshold; outliers and label accuracy match the API', async () => {
    const set = (await api.listEmbeddingSets({ runId })).find((candidate) => candidate.encoder === 'trained')!;
    const section = page.getByRole('region', { name: 'Near-duplicates' });
    const expectedCount = async (threshold: number) => (await api.listDuplicates({ setId: set.id, threshold, limit: 200 })).pairs.length;
    const countText = (n: number) => (n === 0 ? 'No pairs this similar' : `${n} pair${n === 1 ? '' : 's'}`);
    await section.getByText(countText(await expectedCount(0.95))).first().waitFor();
    // The slider moved to its top end (similarity 1): only exact duplicates remain.
    await section.getByRole('slider').evaluate((input: HTMLInputElement) => {
      input.value = '1';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await section.getByText('Similarity at least 1.000').waitFor();
    await section.getByText(countText(await expectedCount(1))).first().waitFor();

    const outliers = await api.listOutliers({ setId: set.id, count: 30 });
    const outlierRows = page.getByRole('region', { name: 'Outliers' }).getByRole('listitem');
    assert.equal(await outlierRows.count(), outliers.length);
    assert.match(await outlierRows.first().innerText(), new RegExp(outliers[0]!.relPath.replace('.', '\\.')));

    const labels = await api.evaluateLabels({ setId: set.id });
    assert.ok(labels.available, 'three sub-folders of four images look like labels');
    assert.equal(await page.getByTestId('knn-accuracy').innerText(), `${(labels.accuracy * 100).toFixed(1)} %`);
    assert.equal(await page.getByRole('region', { name: 'Sub-folders as labels' }).getByRole('row').count(), 1 + labels.classes.length);
  });

  test('an image clicked in the library grid shows its neighbours in the explorer', async () => {
    const screens = page.getByRole('navigation', { name: 'Screens' });
    await screens.getByRole('button', { name: 'Library' }).click();
    await page.getByRole('button', { name: 'Show the neighbours of moss/moss-1.png' }).click();
    await page.getByTestId('neighbour-query').filter({ hasText: 'moss/moss-1.png' }).waitFor();
    assert.equal(await screens.getByRole('button', { name: 'Explorer' }).getAttribute('aria-current'), 'page');
    assert.equal(await page.getByRole('list', { name: 'Neighbours after pretraining' }).getByRole('listitem').count(), 11);
    await page.getByText('1 image selected on the map.').waitFor();
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
