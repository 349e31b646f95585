// A run survives the app being killed mid-epoch: the server is killed (SIGKILL, as a
// crash), started again on the same data folder, and the page shows the run as
// interrupted with its stored curves and "Resume from checkpoint", which continues the
// same run. Real server, real worker, real Chromium; a tiny run on 12 generated images.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createWebClient } from '../../renderer/lib/web-client.ts';
import { saveScreenshot } from '../helpers/browser.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { closeStudio, openStudioPage } from '../helpers/studio-page.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an interrupted run resumes from the app (browser)', () => {
  let temp: TempDir;
  let dataDir: string;
  let serve: ServeProcess | undefined;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let experimentId: number;
  let checkpointStep: number;

  before(async () => {
    temp = await createTempDir('simclr-e2e-recovery-');
    const photos = path.join(temp.path, 'shells');
    await writeLabelledFolder(photos, { classes: { spiral: 6, fan: 6 }, size: 32 });
    dataDir = path.join(temp.path, 'data');
    serve = await startServe({ dataDir });
    const api = createWebClient({ origin: serve.origin, token: serve.token });
    const { datasetId } = await api.addDataset({ path: photos });
    const experiment = await api.createExperiment({
      datasetId,
      name: 'Long enough to be killed',
      // The tiny run, long enough to be killed mid-way, with a checkpoint every epoch.
      config: { ...TINY_RUN_CONFIG, epochs: 40, checkpointEvery: 1 },
    });
    experimentId = experiment.id;
    await api.startRun({ experimentId });
    // Poll the stored run until a checkpoint exists (a wait for a state, not a timing assertion).
    for (;;) {
      const run = (await api.getExperiment({ experimentId })).runs[0]!;
      if (run.checkpoints.length > 0 && run.status === 'running') {
        checkpointStep = run.checkpoints.at(-1)!.step;
        break;
      }
      assert.ok(run.status === 'queued' || run.status === 'running', `the run trains (it is ${run.status}: ${run.reason})`);
      await pause(100);
    }
    serve.child.kill('SIGKILL');
    await serve.stop();
    serve = await startServe({ dataDir });
    ({ browser, page, pageErrors } = await openStudioPage(serve, { viewport: { width: 1280, height: 900 }, timeoutMs: Number(process.env.E2E_TIMEOUT ?? 120_000) }));
  });

  after(() => closeStudio({ browser, serve, temp }));

  test('after a crash the run is interrupted, keeps its curves and resumes from its last checkpoint', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Experiments' }).click();
    const entry = page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Long enough to be killed/ });
    await entry.getByText('Interrupted').waitFor();
    const monitor = page.getByRole('region', { name: 'Training monitor' });
    await monitor.getByTestId('run-status').filter({ hasText: 'Interrupted' }).waitFor();
    await monitor.getByTestId('run-reason').waitFor();
    const loss = monitor.locator('[data-testid="chart"]', { has: page.locator('figcaption', { hasText: 'Loss (NT-Xent)' }) });
    await page.waitForFunction((el) => Number((el as HTMLElement).dataset.points) > 0, await loss.elementHandle());
    const storedPoints = Number(await loss.getAttribute('data-points'));
    assert.ok(storedPoints >= checkpointStep, `the curve up to the checkpoint (step ${checkpointStep}) was kept: ${storedPoints} points`);
    await saveScreenshot(page, 'training-recovery-interrupted');

    await monitor.getByRole('button', { name: 'Resume from checkpoint' }).click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Running' }).waitFor();
    await monitor.getByText('resumed 1×').waitFor();
    await page.waitForFunction(([el, n]) => Number((el as HTMLElement).dataset.points) > Number(n), [await loss.elementHandle(), checkpointStep + 2] as const);
    assert.ok(await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /Long enough to be killed/ }).getByText('Running').isVisible());
    await saveScreenshot(page, 'training-recovery-resumed');

    await monitor.getByRole('button', { name: 'Cancel run' }).click();
    await monitor.getByTestId('run-status').filter({ hasText: 'Cancelled' }).waitFor();
    const api = createWebClient({ origin: serve!.origin, token: serve!.token });
    const runs = (await api.getExperiment({ experimentId })).runs;
    assert.equal(runs.length, 1, 'resuming continued the same run');
    assert.equal(runs[0]!.resumeCount, 1);
    // Steps after the checkpoint were trained twice (before the crash and after resuming);
    // the curve holds each step once, as the replay replaced the stored tail.
    const steps = runs[0]!.step;
    assert.ok(steps > checkpointStep);
    await page.waitForFunction(([el, n]) => Number((el as HTMLElement).dataset.points) >= Number(n), [await loss.elementHandle(), steps] as const);
    assert.equal(Number(await loss.getAttribute('data-points')), steps, 'one point per step, none twice');
    assert.deepEqual(pageErrors, []);
  });
});
