// Cancelling the embedding computation from the explorer, in Debian's Chromium against a
// real `simclr-studio serve` (real SQLite, the real worker thread). The run is tiny (12
// generated images in 2 sub-folders, 16 px, width 0.125, batch 4, 1 epoch); 300 more
// images in 2 new sub-folders are then added and re-scanned, so "Explore" has 312 images
// to read and embed (about 2.5 s here, most of it reading and decoding) — long enough
// for a press of Cancel to land reliably, without training on them.
// The test waits for the first images-done progress the page shows (never a sleep),
// presses Cancel, and checks what a user sees: the progress goes, a cancelled message
// with a way to start again, no map; and through the API, that the cancelled set is not
// served. "Compute embeddings" starts again (cancelled once more: a cancelled computation
// does not block the next), and "Explore" again computes every image and draws the map.
// Screenshots: test-output/screenshots/explorer-cancel-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import type { ServeProcess } from '../helpers/serve.ts';
import { serveTinyRun } from '../helpers/served-tiny-run.ts';
import { closeStudio, exploreRun, openStudioPage, pressExploreRun } from '../helpers/studio-page.ts';

const TRAINED = 12;
const ADDED = 300;
const TOTAL = TRAINED + ADDED;
const CANCELLED_TEXT = 'Cancelled. Press “Compute embeddings” to start again.';

/**
 * Waits until the explorer's progress bar reports images done (the worker's first
 * progress event past 0 has reached the page), then presses its Cancel button.
 */
async function cancelOnceUnderway(page: Page): Promise<void> {
  const computing = page.getByRole('progressbar', { name: 'Computing embeddings' });
  await computing.and(page.locator(`[aria-valuemax="${TOTAL}"][aria-valuenow]:not([aria-valuenow="0"])`)).waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
}

/** What the page shows once a computation was cancelled: the message and its button, no progress, no map. */
async function assertCancelledScreen(page: Page): Promise<void> {
  await page.getByRole('alert').filter({ hasText: CANCELLED_TEXT }).waitFor();
  await page.getByRole('progressbar', { name: 'Computing embeddings' }).waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: 'Cancel', exact: true }).count(), 0);
  assert.equal(await page.getByTestId('scatter-map').count(), 0, 'no map for a cancelled set');
  assert.equal(await page.getByTestId('set-summary').count(), 0, 'no set summary either');
  await page.getByRole('button', { name: 'Compute embeddings' }).waitFor();
}

describe('cancelling the embeddings from the explorer (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let api: StudioBridge;
  let pageErrors: string[];
  let runId: number;

  before(async () => {
    temp = await createTempDir('simclr-e2e-explorer-cancel-');
    const served = await serveTinyRun(temp, { classes: { roses: 6, ferns: 6 }, size: 32, format: 'png' }, 'Tiny cancel run', { seed: 4 });
    ({ serve, api } = served);
    const { photos, datasetId, outcome } = served;
    assert.equal(outcome.status, 'done', `the tiny run trains (${outcome.status}: ${outcome.reason})`);
    runId = outcome.runId;
    await writeLabelledFolder(photos, { classes: { moss: ADDED / 2, lichen: ADDED / 2 }, size: 32, format: 'png', seedOffset: 1000 });
    const scan = await api.rescanDataset({ datasetId });
    assert.deepEqual([scan.images, scan.added], [TOTAL, ADDED]);
    ({ browser, page, pageErrors } = await openStudioPage(serve, {
      viewport: { width: 1360, height: 860 },
      // Reading and embedding run in the worker.
      timeoutMs: 120_000,
      // A cancelled computeEmbeddings call is answered 422 (the service refused), which Chromium logs.
      expectedErrors: [/status of 422/],
    }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('Cancel while the images are read: the progress goes, a cancelled message, no map, the set is not served', async () => {
    await pressExploreRun(page, /Tiny cancel run/, runId);
    await cancelOnceUnderway(page);
    await assertCancelledScreen(page);
    await saveScreenshot(page, 'explorer-cancel-cancelled');

    const sets = (await api.listEmbeddingSets({ runId })).filter((s) => s.encoder === 'trained');
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.status, 'cancelled');
    assert.equal(sets[0]!.count, 0, 'no half set was stored');
    assert.match(sets[0]!.error ?? '', /was cancelled/);
    await assert.rejects(api.getProjection({ setId: sets[0]!.id, method: 'pca' }), /has not been computed yet: compute the embeddings first/);

    // The message's own button starts again; cancelled once more, the page says so again.
    await page.getByRole('button', { name: 'Compute embeddings' }).click();
    await cancelOnceUnderway(page);
    await assertCancelledScreen(page);
  });

  test('"Explore" again computes every image and shows the map', async () => {
    await exploreRun(page, /Tiny cancel run/, runId, TOTAL);
    await page.getByTestId('set-summary').filter({ hasText: `${TOTAL} images` }).waitFor();
    assert.equal(await page.getByRole('alert').filter({ hasText: 'Cancelled' }).count(), 0, 'the cancelled message is gone');
    const set = (await api.listEmbeddingSets({ runId })).find((s) => s.encoder === 'trained');
    assert.ok(set);
    assert.deepEqual({ status: set.status, count: set.count, error: set.error }, { status: 'ready', count: TOTAL, error: null });
    // PCA is drawn first, then UMAP: the map is finished when the summary says UMAP.
    await page.getByTestId('set-summary').filter({ hasText: 'map: UMAP' }).waitFor();
    await saveScreenshot(page, 'explorer-cancel-map');
    assert.deepEqual(pageErrors, []);
  });
});
