// Keyboard access to the explorer map in Debian's Chromium against a real `simclr-studio
// serve` on a tiny run (12 generated images in 3 sub-folders, 16 px, width 0.125, batch 4,
// 1 epoch; as test/e2e/explorer.test.ts): the first arrow press focuses the point nearest
// the centre, each further arrow moves to the point the pure rule (nearestInDirection)
// names for the projection the API returns, the focused image is previewed and announced,
// and Enter shows its neighbours.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { nearestInDirection, nearestPoint } from '../../renderer/components/scatter/hit-test.ts';
import { mapPointsFrom, type MapPoints } from '../../renderer/components/scatter/map-points.ts';
import { INITIAL_VIEW } from '../../renderer/components/scatter/view-transform.ts';
import { nextFrames } from '../helpers/browser.ts';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';
import type { ServeProcess } from '../helpers/serve.ts';
import { serveTinyRun } from '../helpers/served-tiny-run.ts';
import { closeStudio, exploreRun, openStudioPage } from '../helpers/studio-page.ts';

/** The map's focused point after the page has handled a key (two frames: Svelte has flushed). */
async function focusAfterKey(page: Page, key: string): Promise<number> {
  const map = page.getByTestId('scatter-map');
  await map.press(key);
  await nextFrames(page);
  return Number(await map.getAttribute('data-focus'));
}

describe('explorer map from the keyboard (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let api: StudioBridge;
  let pageErrors: string[];
  let runId: number;
  /** The points the page draws (the same projection, fetched through the API). */
  let points: MapPoints;

  before(async () => {
    temp = await createTempDir('simclr-e2e-explorer-keys-');
    const served = await serveTinyRun(temp, { classes: { roses: 4, ferns: 4, moss: 4 }, size: 32, format: 'png' }, 'Tiny keyboard run', { seed: 5 });
    ({ serve, api } = served);
    const { outcome } = served;
    assert.equal(outcome.status, 'done', outcome.reason ?? undefined);
    runId = outcome.runId;
    ({ browser, page, pageErrors } = await openStudioPage(serve, { viewport: { width: 1360, height: 860 }, timeoutMs: 120_000 }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('the explored run settles on its final map', async () => {
    await exploreRun(page, /Tiny keyboard run/, runId, 12);
    // PCA is drawn first, then replaced by UMAP (new points reset the focus): wait for the end.
    const summary = page.getByTestId('set-summary');
    await summary.filter({ hasText: 'map: UMAP' }).or(page.getByText('UMAP is not available')).first().waitFor();
    const method = (await summary.innerText()).includes('map: UMAP') ? 'umap' : 'pca';
    const set = (await api.listEmbeddingSets({ runId })).find((s) => s.encoder === 'trained');
    assert.ok(set, 'the run has a trained embedding set');
    points = mapPointsFrom(await api.getProjection({ setId: set.id, method }));
    assert.equal(points.count, 12);
  });

  test('arrows move the focus to the nearest point in that direction; it is previewed and announced', async () => {
    const map = page.getByTestId('scatter-map');
    assert.equal(await map.getAttribute('data-focus'), '-1', 'no focus before a key');
    const size = await map.evaluate((canvas) => ({ width: canvas.clientWidth, height: canvas.clientHeight }));
    await map.focus();
    let expected = nearestPoint(points.x, points.y, INITIAL_VIEW, size, size.width / 2, size.height / 2, Infinity);
    assert.equal(await focusAfterKey(page, 'ArrowRight'), expected, 'the first arrow focuses the point nearest the centre');
    await page.getByTestId('map-hover').filter({ hasText: path.basename(points.relPaths[expected]!) }).waitFor();
    assert.match(await page.locator('.announcement').innerText(), new RegExp(`${points.relPaths[expected]}, point ${expected + 1} of 12`));

    const arrows: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    let moves = 0;
    for (const key of ['ArrowRight', 'ArrowUp', 'ArrowLeft', 'ArrowDown', 'ArrowRight', 'ArrowLeft']) {
      const next = nearestInDirection(points.x, points.y, expected, ...arrows[key]!);
      // A key with no point in its direction leaves the focus where it is.
      if (next >= 0) {
        expected = next;
        moves++;
      }
      assert.equal(await focusAfterKey(page, key), expected, `after ${key}`);
    }
    assert.ok(moves >= 2, `the focus moved along the arrows (${moves} moves)`);
  });

  test('Enter selects the focused point: its neighbours are shown', async () => {
    const map = page.getByTestId('scatter-map');
    const focus = Number(await map.getAttribute('data-focus'));
    await map.press('Enter');
    await page.getByTestId('neighbour-query').filter({ hasText: points.relPaths[focus]! }).waitFor();
    assert.equal(await page.getByRole('list', { name: 'Neighbours after pretraining' }).getByRole('listitem').count(), 11);
    assert.deepEqual(pageErrors, []);
  });
});
