// Pretraining from the app in Debian's Chromium against a real `simclr-studio serve`
// (real SQLite, the real worker thread, tiny runs on a generated folder of 12 images):
// create an experiment from a preset whose reasoning is shown, see the augmentation
// preview and regenerate it, get a refusal shown next to the field, start, watch the
// curves move, pause, resume, cancel, see an image that vanished before the run reported;
// rename; compare two runs; delete (the images stay).
// Screenshots go to test-output/screenshots/training-*.png.
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { StudioBridge } from '../../main/api/bridge.ts';
import { CONFIG_FIELDS, fieldKey } from '../../renderer/features/experiments/config-fields.ts';
import { createWebClient } from '../../renderer/lib/web-client.ts';
import { augmentSchema, trainConfigSchema } from '../../worker/simclr/config.ts';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { closeStudio, openStudioPage } from '../helpers/studio-page.ts';

/** Tiny settings typed into the Advanced form (the engine's smallest sensible run). */
const TINY_FORM: Record<string, string> = { 'Image size (px)': '16', 'Width multiplier': '0.125', 'Batch size': '4', 'Output dimension of z': '16' };

/** The step count a chart reports (data-points), by its caption. */
function chartPoints(page: Page, title: string): Promise<number> {
  return page.locator('[data-testid="chart"]', { has: page.locator('figcaption', { hasText: title }) }).first().evaluate((el) => Number((el as HTMLElement).dataset.points));
}

async function waitForChartPoints(page: Page, title: string, atLeast: number): Promise<void> {
  await page.waitForFunction(
    ([caption, n]) =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="chart"]')].some(
        (chart) => chart.querySelector('figcaption')?.textContent === caption && Number(chart.dataset.points) >= Number(n),
      ),
    [title, atLeast] as const,
  );
}

async function fileCount(folder: string): Promise<number> {
  return (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).length;
}

test('the Advanced form offers every setting of the engine, and nothing else', () => {
  const engine = [
    ...Object.keys(trainConfigSchema.shape).filter((key) => key !== 'augment'),
    ...Object.keys(augmentSchema.shape).map((key) => `augment.${key}`),
  ].sort();
  assert.deepEqual(CONFIG_FIELDS.map((field) => fieldKey(field.path)).sort(), engine);
  for (const field of CONFIG_FIELDS) assert.ok(field.description.length > 40, `${field.label} explains itself`);
});

describe('training from the app (browser)', () => {
  let temp: TempDir;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let api: StudioBridge;
  let pageErrors: string[];
  let photos: string;
  let datasetId: number;
  let monitor: Locator;

  before(async () => {
    temp = await createTempDir('simclr-e2e-training-');
    photos = path.join(temp.path, 'garden photos');
    await writeLabelledFolder(photos, { classes: { roses: 6, ferns: 6 }, size: 40, format: 'png' });
    serve = await startServe({ dataDir: path.join(temp.path, 'data') });
    // The page's own web client, from Node: the same calls the renderer makes.
    api = createWebClient({ origin: serve.origin, token: serve.token });
    datasetId = (await api.addDataset({ path: photos })).datasetId;
    ({ browser, page, pageErrors } = await openStudioPage(serve, {
      viewport: { width: 1280, height: 1000 },
      // Training starts a worker and WebAssembly.
      timeoutMs: Number(process.env.E2E_TIMEOUT ?? 120_000),
      // The refused experiment is answered 4xx on purpose, which Chromium logs.
      expectedErrors: [/status of 4\d\d/],
    }));
    monitor = page.getByRole('region', { name: 'Training monitor' });
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('a new experiment shows the presets with their reasoning and a preview of augmented views', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Experiments' }).click();
    await page.getByRole('heading', { name: 'Pretrain an encoder on your images' }).waitFor();
    await page.getByRole('complementary', { name: 'Experiments list' }).getByRole('button', { name: 'New experiment' }).click();
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();

    const quick = page.getByRole('radio', { name: 'Quick look' });
    await quick.waitFor();
    assert.ok(await quick.isChecked(), 'the first suitable preset is chosen');
    for (const title of ['Balanced', 'Best quality (GPU)']) await page.getByRole('radio', { name: title }).waitFor();
    const reasons = page.getByTestId('preset-reasons');
    assert.match(await reasons.innerText(), /Temperature τ = 0\.5/);
    assert.match(await reasons.innerText(), /Batch \d+/);
    assert.match(await page.getByLabel('Name').inputValue(), /^Quick look on garden photos$/);
    // Without a GPU the best preset explains why it is not suitable.
    await page.getByText(/Needs an NVIDIA GPU with CUDA/).waitFor();

    const pairs = page.getByTestId('augmentation-pairs');
    await pairs.locator('figure').first().waitFor();
    assert.equal(await pairs.locator('figure').count(), 4, 'four images, each with its two views');
    const viewsBefore = await pairs.locator('img').evaluateAll((images) => images.map((image) => (image as HTMLImageElement).src));
    assert.equal(viewsBefore.length, 12);
    assert.ok(viewsBefore.every((src) => src.startsWith('data:image/png;base64,')));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="augmentation-pairs"] img')].every((image) => image.complete && image.naturalWidth > 0));
    await saveScreenshot(page, 'training-new-experiment');

    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForFunction(
      (before) => {
        const now = [...document.querySelectorAll<HTMLImageElement>('[data-testid="augmentation-pairs"] img')].map((image) => image.src);
        return now.length === before.length && now.some((src, i) => src !== before[i]);
      },
      viewsBefore,
    );
  });

  test('a refused setting is explained next to its field, and the form keeps what was typed', async () => {
    await page.getByText('Advanced: every setting').click();
    for (const [label, value] of Object.entries(TINY_FORM)) {
      await page.getByLabel(label, { exact: true }).fill(value);
      await page.getByLabel(label, { exact: true }).press('Tab');
    }
    await page.getByLabel('Epochs', { exact: true }).fill('40');
    await page.getByLabel('Epochs', { exact: true }).press('Tab');
    await page.getByLabel('Batch size', { exact: true }).fill('1');
    await page.getByLabel('Batch size', { exact: true }).press('Tab');
    assert.equal(await page.getByRole('radio', { name: 'Quick look' }).isChecked(), false, 'edited settings are no longer the preset');
    await page.getByLabel('Name').fill('Tiny run A');
    await page.getByRole('button', { name: 'Create', exact: true }).click();

    const field = page.locator('.field.invalid', { hasText: 'Batch size' });
    await field.getByRole('alert').filter({ hasText: /at least two images/ }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'The experiment was not created' }).waitFor();
    assert.equal(await page.getByLabel('Image size (px)', { exact: true }).inputValue(), '16', 'nothing typed was lost');
    await saveScreenshot(page, 'training-refused-setting');
    assert.equal((await api.listExperiments({})).length, 0, 'nothing was created');
    await page.getByLabel('Batch size', { exact: true }).fill('4');
    await page.getByLabel('Batch size', { exact: true }).press('Tab');
  });

  test('start: the curves move; pause, resume and cancel change the status; a vanished image is reported', async () => {
    // An image deleted between the scan and the run (by the person, not the app): skipped and reported.
    await rm(path.join(photos, 'ferns', 'ferns-5.png'));
    await page.getByRole('button', { name: 'Create and start' }).click();
    await monitor.waitFor();
    await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run A/ }).waitFor();
    const experiment = (await api.listExperiments({}))[0]!;
    const detail = await api.getExperiment({ experimentId: experiment.id });
    assert.equal(detail.config.imageSize, 16, 'the Advanced values are what runs');
    assert.equal(detail.config.batchSize, 4);
    assert.equal(detail.config.epochs, 40);

    await monitor.getByTestId('run-status').filter({ hasText: 'Running' }).waitFor();
    await waitForChartPoints(page, 'Loss (NT-Xent)', 3);
    for (const title of ['Positive-pair accuracy', 'Learning rate', 'Temperature τ', 'Collapse signal (std of normalised z)']) {
      assert.ok((await chartPoints(page, title)) >= 1, `${title} has points`);
    }
    assert.match(await monitor.getByTestId('stat-loss').innerText(), /^\d+\.\d{4}$/);
    assert.match(await monitor.getByTestId('backend-name').innerText(), /WebAssembly|native CPU|GPU|JavaScript/);
    // The worker's own lines reach the monitor's log: the backend's and the vanished image's
    // come at once, often before the monitor of the run just started exists (the training
    // state keeps them until it opens); an epoch end writes a checkpoint.
    const runLog = monitor.getByTestId('run-log');
    await runLog.getByText(/training on (wasm|tensorflow|cpu): /).first().waitFor();
    await runLog.getByText(/checkpoint written: .*last\.ckpt \(epoch \d+, step \d+/).first().waitFor();
    await saveScreenshot(page, 'training-monitor-running');

    await monitor.getByRole('button', { name: 'Pause' }).click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Paused' }).waitFor();
    const pausedAt = await chartPoints(page, 'Loss (NT-Xent)');
    await saveScreenshot(page, 'training-monitor-paused');

    await monitor.getByRole('button', { name: 'Resume' }).click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Running' }).waitFor();
    // A few epochs more, so the monitor's screenshot shows a curve worth looking at.
    await waitForChartPoints(page, 'Loss (NT-Xent)', Math.max(pausedAt + 2, 16));
    assert.ok((await chartPoints(page, 'Loss (NT-Xent)')) > pausedAt, 'the curve moves again after resuming');
    await saveScreenshot(page, 'training-monitor-resumed');

    await monitor.getByRole('button', { name: 'Cancel run' }).click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Cancelled' }).waitFor();
    await monitor.getByTestId('run-reason').waitFor();
    await monitor.getByRole('button', { name: 'Resume from checkpoint' }).waitFor();
    await monitor.getByText('1 image skipped').click();
    await monitor.getByText('ferns/ferns-5.png', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run A/ }).getByText('Cancelled').waitFor();
    await saveScreenshot(page, 'training-monitor-cancelled');
  });

  test('the name and the notes are edited in place', async () => {
    const name = page.getByLabel('Experiment name');
    await name.fill('Tiny run A, 40 epochs');
    await name.press('Enter');
    await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run A, 40 epochs/ }).waitFor();
    assert.equal((await api.listExperiments({}))[0]!.name, 'Tiny run A, 40 epochs');
    const notes = page.getByLabel('Notes');
    await notes.fill('Does a long warm-up help on 12 images?');
    await notes.blur();
    await page.waitForFunction(() => document.querySelector('textarea')?.value === 'Does a long warm-up help on 12 images?');
    // The save follows the blur over HTTP: wait for it to land (a state, not a time).
    while ((await api.listExperiments({}))[0]!.notes !== 'Does a long warm-up help on 12 images?') await new Promise((resolve) => setTimeout(resolve, 50));
  });

  test('two runs compared: curves overlaid, differing settings highlighted', async () => {
    const second = await api.createExperiment({ datasetId, name: 'Tiny run B', config: { imageSize: 16, width: 0.125, batchSize: 4, epochs: 2, projectionOutputDim: 16, temperature: 0.2 } });
    await api.startRun({ experimentId: second.id });
    const entryB = page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run B/ });
    await entryB.getByText('Done').waitFor();
    await entryB.click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Done' }).waitFor();
    // Run B trained with no monitor open: its worker lines were kept and are shown now.
    await monitor.getByTestId('run-log').getByText(/training on (wasm|tensorflow|cpu): /).first().waitFor({ timeout: 5000 });
    await monitor.getByTestId('run-log').getByText(/checkpoint written: /).first().waitFor({ timeout: 5000 });
    const steps = (await api.getExperiment({ experimentId: second.id })).runs[0]!.totalSteps!;
    assert.ok(steps >= 2, 'two epochs of at least one step');
    await waitForChartPoints(page, 'Loss (NT-Xent)', steps);
    await saveScreenshot(page, 'training-monitor-done');

    await page.getByRole('button', { name: 'Compare runs' }).click();
    await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
    // The latest runs of the two experiments are chosen at first; each run is a choice.
    for (const run of [/Tiny run B run \d+/, /Tiny run A, 40 epochs run \d+/]) assert.ok(await page.getByRole('checkbox', { name: run }).isChecked());
    const table = page.getByTestId('config-comparison');
    await table.waitFor();
    await waitForChartPoints(page, 'Loss', steps);
    const legend = await page.locator('[data-testid="chart"]', { hasText: 'Loss' }).first().innerText();
    assert.match(legend, /Tiny run A, 40 epochs/);
    assert.match(legend, /Tiny run B/);
    for (const differing of ['Epochs', 'Temperature τ']) {
      assert.equal(await table.locator('tr.differs th', { hasText: new RegExp(`^${differing}`) }).count(), 1, `${differing} is highlighted`);
    }
    assert.equal(await table.locator('tr:not(.differs) th', { hasText: /^Image size \(px\)/ }).count(), 1, 'equal settings are not highlighted');
    await saveScreenshot(page, 'training-compare');
  });

  test('deleting an experiment asks first and never touches the images', async () => {
    const before = await fileCount(photos);
    await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run B/ }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /Delete “Tiny run B”/ });
    await dialog.getByText('Your images are not touched').waitFor();
    await dialog.getByRole('button', { name: 'Delete experiment' }).click();
    await page.getByRole('status').filter({ hasText: 'Your images were not touched' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Tiny run B/ }).count(), 0);
    assert.deepEqual(
      (await api.listExperiments({})).map((e) => e.name),
      ['Tiny run A, 40 epochs'],
    );
    assert.equal(await fileCount(photos), before, 'the folder is exactly as it was');
    assert.deepEqual(pageErrors, []);
  });
});
