// How smoothly the library's virtualised thumbnail grid scrolls through a large
// catalogue (issue 2: "scrolls smoothly through 100,000 images"), in Debian's Chromium
// against a real `simclr-studio serve`. Prints numbers; asserts nothing.
//
//   node_modules/.bin/node bench/renderer-grid-scroll.ts [--images 100000] [--keep DIR]
//
// Writes --images tiny PNGs (500 distinct pictures repeated, so thumbnails are cheap to
// make and the numbers are about the grid), adds the folder over the API, then:
// - a "fling": up to 600 animation frames, each scrolling 400 px; frame intervals, tiles in
//   the DOM, thumbnail requests made, and main-thread milliseconds per frame (task,
//   script, layout, style, from the Chrome DevTools Protocol);
// - the same fling with images hidden (the grid's own cost);
// - a jump to the end: time until the last record and all visible thumbnails show.
// Headless Chromium renders in software (--disable-gpu), so frame intervals are an upper
// bound; main-thread script/layout time per frame is the grid's own work.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TOKEN_HEADER } from '../main/api/web-routes.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { createTempDir, encodeImage } from '../test/helpers/image-fixtures.ts';
import { waitForVisibleThumbnails } from '../test/helpers/image-grid.ts';
import { startServe } from '../test/helpers/serve.ts';

const { values } = parseArgs({ options: { images: { type: 'string', default: '100000' } } });
const imageCount = Number(values.images);
if (!Number.isInteger(imageCount) || imageCount < 1000) throw new Error(`--images must be a whole number ≥ 1000, got '${values.images}'`);
const PER_FOLDER = 1000;
const FLING_FRAMES = 600;
const FLING_PX_PER_FRAME = 400;

async function writeImages(folder: string): Promise<void> {
  const variants = await Promise.all(Array.from({ length: 500 }, (_, i) => encodeImage({ width: 16, height: 16, seed: i })));
  for (let start = 0; start < imageCount; start += PER_FOLDER) {
    const dir = path.join(folder, `part-${String(start / PER_FOLDER).padStart(3, '0')}`);
    await mkdir(dir, { recursive: true });
    const n = Math.min(PER_FOLDER, imageCount - start);
    await Promise.all(Array.from({ length: n }, (_, i) => writeFile(path.join(dir, `img-${String(i).padStart(4, '0')}.png`), variants[(start + i) % 500]!)));
  }
}

const temp = await createTempDir('simclr-bench-grid-');
const serve = await (async () => {
  const folder = path.join(temp.path, 'images');
  let t = performance.now();
  await writeImages(folder);
  console.log(`wrote ${imageCount} images in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const started = await startServe({ dataDir: path.join(temp.path, 'data') });
  t = performance.now();
  const answer = await fetch(`${started.origin}/api/addDataset`, { method: 'POST', headers: { [TOKEN_HEADER]: started.token }, body: JSON.stringify({ path: folder }) });
  const outcome = (await answer.json()) as { ok: boolean; value?: { images: number } };
  if (!outcome.ok) throw new Error(`adding the folder failed: ${JSON.stringify(outcome)}`);
  console.log(`catalogued ${outcome.value!.images} images in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return started;
})();

const browser = await launchChromium();
try {
  // bypassCSP only so the bench can add a style that hides images (the grid-alone run).
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  let thumbRequests = 0;
  page.on('request', (request) => {
    if (request.url().includes('/thumb/')) thumbRequests++;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

  let t = performance.now();
  await page.goto(serve.url);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="image-grid"] img')].some((i) => (i as HTMLImageElement).naturalWidth > 0));
  console.log(`page open to first thumbnail: ${(performance.now() - t).toFixed(0)} ms`);

  const toTop = () => page.$eval('[data-testid="image-grid"] [role="list"]', (list) => void (list.scrollTop = 0));
  async function fling(label: string): Promise<void> {
    const before = await metrics();
    const requestsBefore = thumbRequests;
    const frames = await page.evaluate(
      async ({ frames, step }) => {
        const list = document.querySelector('[data-testid="image-grid"] [role="list"]') as HTMLElement;
        const intervals: number[] = [];
        let maxTiles = 0;
        let last = performance.now();
        // Stop before the bottom: a scroll that has stopped is not a fling any more.
        const frameCount = Math.min(frames, Math.floor((list.scrollHeight - list.clientHeight - list.scrollTop) / step));
        for (let frame = 0; frame < frameCount; frame++) {
          list.scrollTop += step;
          await new Promise((resolve) => requestAnimationFrame(resolve));
          const now = performance.now();
          intervals.push(now - last);
          last = now;
          maxTiles = Math.max(maxTiles, list.querySelectorAll('[role="listitem"]').length);
        }
        intervals.sort((a, b) => a - b);
        const at = (q: number) => intervals[Math.min(intervals.length - 1, Math.floor(intervals.length * q))]!;
        return { count: frameCount, p50: at(0.5), p95: at(0.95), max: at(1), maxTiles };
      },
      { frames: FLING_FRAMES, step: FLING_PX_PER_FRAME },
    );
    const after = await metrics();
    const perFrame = (name: string) => (((after[name]! - before[name]!) * 1000) / frames.count).toFixed(1);
    console.log(
      `${label} (${frames.count} frames): frame interval p50 ${frames.p50.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(0)} ms; ` +
        `≤ ${frames.maxTiles} tiles in the DOM; ${thumbRequests - requestsBefore} thumbnail requests; ` +
        `main thread per frame: task ${perFrame('TaskDuration')} ms (script ${perFrame('ScriptDuration')}, layout ${perFrame('LayoutDuration')}, style ${perFrame('RecalcStyleDuration')})`,
    );
  }

  await fling(`fling of ${FLING_PX_PER_FRAME} px per frame`);
  await toTop();
  await page.addStyleTag({ content: '[data-testid="image-grid"] img { display: none }' });
  await fling('same fling, images hidden (the grid alone)');
  await page.addStyleTag({ content: '[data-testid="image-grid"] img { display: block !important }' });

  t = performance.now();
  await page.$eval('[data-testid="image-grid"] [role="list"]', (list) => void (list.scrollTop = list.scrollHeight));
  await page.waitForSelector(`[role="listitem"][aria-posinset="${imageCount}"] figcaption:not(:empty)`);
  console.log(`jump to the end: last record shown after ${(performance.now() - t).toFixed(0)} ms`);
  await waitForVisibleThumbnails(page);
  console.log(`jump to the end: all visible thumbnails after ${(performance.now() - t).toFixed(0)} ms`);
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN);
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`JS heap ${(heap / 1e6).toFixed(1)} MB, ${nodes} DOM elements for ${imageCount} images`);
} finally {
  await browser.close();
  await serve.stop();
  await temp.remove();
}
