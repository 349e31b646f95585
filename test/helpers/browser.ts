// Debian's Chromium driven by playwright-core for the browser tests (no browser
// download: CI installs the `chromium` package). Screenshots go to
// test-output/screenshots/ (gitignored) for a person to look at.
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './serve.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM_PATH}: apt-get install chromium (.ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Waits until two animation frames have run in the page: by then Svelte has flushed what
 * the last event changed and the frame that draws it (a map's view, a new layout) is done.
 */
export function nextFrames(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Saves a full-window PNG as test-output/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Collects the page's uncaught errors and console errors, which otherwise go unseen;
 * a test asserts the list is empty. `expected` console messages (e.g. Chromium logging
 * the HTTP status of an API call the test made fail on purpose) are left out.
 */
export function collectPageErrors(page: Page, expected: readonly RegExp[] = []): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || expected.some((pattern) => pattern.test(message.text()))) return;
    errors.push(`console error: ${message.text()}`);
  });
  return errors;
}
