// The browser side of an end-to-end test: Chromium opened on a running `simclr-studio
// serve`, and the teardown of everything a browser test started.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, nextFrames } from './browser.ts';
import type { TempDir } from './image-fixtures.ts';
import type { ServeProcess } from './serve.ts';

export interface StudioPage {
  readonly browser: Browser;
  readonly page: Page;
  /** The page's errors so far; a test asserts it is empty. */
  readonly pageErrors: string[];
}

export interface StudioPageOptions {
  readonly viewport: { width: number; height: number };
  /**
   * Default wait of every locator: generous, because it is a guard, never a timed
   * assertion. Without it, Playwright's own default (30 s).
   */
  readonly timeoutMs?: number;
  /** Console errors the test causes on purpose (e.g. a 4xx it asks for). */
  readonly expectedErrors?: readonly RegExp[];
  /** A script the page runs before its own (e.g. a stand-in for Electron's preload). */
  readonly initScript?: string;
}

/**
 * Launches Chromium, opens one page at the server's tokened URL and collects its errors.
 * The server is a `simclr-studio serve` subprocess or a web server started in the test.
 */
export async function openStudioPage(serve: { readonly url: string }, options: StudioPageOptions): Promise<StudioPage> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: options.viewport });
    if (options.timeoutMs !== undefined) page.setDefaultTimeout(options.timeoutMs);
    const pageErrors = collectPageErrors(page, options.expectedErrors);
    if (options.initScript !== undefined) await page.addInitScript({ content: options.initScript });
    await page.goto(serve.url);
    return { browser, page, pageErrors };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Closes the browser, stops the server (asserting it exits cleanly) and removes the
 * test's folder. Each part may be missing when the set-up failed before making it.
 */
export async function closeStudio(parts: { browser?: Browser; serve?: ServeProcess; temp?: TempDir }): Promise<void> {
  await parts.browser?.close();
  if (parts.serve) assert.equal(await parts.serve.stop(), 0, 'the server stops cleanly');
  await parts.temp?.remove();
}

/** From anywhere in the app: Experiments → the named experiment → "Explore run N" pressed. */
export async function pressExploreRun(page: Page, experimentName: RegExp, runId: number): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Experiments' }).click();
  await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: experimentName }).click();
  await page.getByRole('button', { name: `Explore run ${runId}` }).click();
}

/**
 * pressExploreRun, then waits until the map shows `count` points laid out by UMAP. The PCA
 * map comes first and UMAP replaces it when the worker is done, moving every point: a test
 * that clicks a point must wait for the final layout (and the frame that draws it), or it
 * may click where a point no longer is.
 */
export async function exploreRun(page: Page, experimentName: RegExp, runId: number, count: number): Promise<void> {
  await pressExploreRun(page, experimentName, runId);
  await page.locator(`[data-testid="scatter-map"][data-count="${count}"]`).waitFor();
  await page.getByTestId('set-summary').filter({ hasText: 'map: UMAP' }).waitFor();
  await nextFrames(page);
}
