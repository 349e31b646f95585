// Frame rate of the explorer's map (renderer/components/scatter/ScatterMap.svelte) with
// 100,000 points in Debian's Chromium (issue 5: "zoom and pan smoothly with 100,000
// points"). Prints numbers; asserts nothing.
//
//   node_modules/.bin/node bench/explorer-map-fps.ts [--points 100000] [--seconds 5]
//
// Builds the real component with Vite + the Svelte plugin into a temporary page (no app,
// no server: the numbers are the map's own), mounts it with --points points in ten
// Gaussian clusters, then for --seconds drives it the way a person does — every
// animation frame one wheel step (zoom in and out at a moving pointer) or one drag step
// (pan), as DOM events — and counts requestAnimationFrame callbacks and redraws. Also
// prints the main-thread milliseconds per frame spent in the map's event handlers.
// Headless Chromium draws WebGL in software (SwiftShader, --disable-gpu), so the frame
// rate here is a lower bound for a machine with a GPU.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import { launchChromium } from '../test/helpers/browser.ts';
import { createTempDir } from '../test/helpers/image-fixtures.ts';
import { PROJECT_ROOT } from '../test/helpers/serve.ts';

const { values } = parseArgs({ options: { points: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '5' } } });
const pointCount = Number(values.points);
const seconds = Number(values.seconds);
if (!Number.isInteger(pointCount) || pointCount < 1) throw new Error(`--points must be a whole number ≥ 1, got '${values.points}'`);
if (!(seconds > 0)) throw new Error(`--seconds must be positive, got '${values.seconds}'`);

const temp = await createTempDir('simclr-bench-map-');
try {
  const scatter = path.join(PROJECT_ROOT, 'renderer', 'components', 'scatter');
  // The page: the real ScatterMap with synthetic points (a seeded LCG, so runs compare).
  const entry = path.join(temp.path, 'entry.ts');
  await writeFile(
    entry,
    // svelte's browser entry by path: the temporary folder has no node_modules to resolve from.
    `import { mount } from ${JSON.stringify(path.join(PROJECT_ROOT, 'node_modules', 'svelte', 'src', 'index-client.js'))};
import ScatterMap from ${JSON.stringify(path.join(scatter, 'ScatterMap.svelte'))};
import { mapPointsFrom } from ${JSON.stringify(path.join(scatter, 'map-points.ts'))};
const n = ${pointCount};
let seed = 12345;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const coordinates = new Array(2 * n);
const labelIndex = new Array(n);
for (let i = 0; i < n; i++) {
  const c = i % 10;
  coordinates[2 * i] = Math.max(-1, Math.min(1, 0.6 * Math.cos(c) + 0.12 * gauss()));
  coordinates[2 * i + 1] = Math.max(-1, Math.min(1, 0.6 * Math.sin(c) + 0.12 * gauss()));
  labelIndex[i] = c;
}
const points = mapPointsFrom({ setId: 1, method: 'pca', seed: 0, count: n, coordinates, imageIds: Array.from({ length: n }, (_, i) => i + 1), relPaths: Array.from({ length: n }, (_, i) => 'c' + (i % 10) + '/' + i + '.png'), labelIndex, labels: Array.from({ length: 10 }, (_, c) => 'c' + c) });
mount(ScatterMap, { target: document.getElementById('map'), props: { points, selected: [], label: 'bench', onhover() {}, onselect() {} } });
`,
  );
  await build({
    configFile: false,
    logLevel: 'warn',
    root: temp.path,
    plugins: [svelte({ configFile: false })],
    build: { outDir: path.join(temp.path, 'out'), lib: { entry, formats: ['iife'], name: 'bench', fileName: () => 'bench.js', cssFileName: 'bench' }, minify: true, cssCodeSplit: false },
  });
  const outFiles = await readdir(path.join(temp.path, 'out'));
  const script = await readFile(path.join(temp.path, 'out', 'bench.js'), 'utf8');
  const cssFile = outFiles.find((f) => f.endsWith('.css'));
  const css = cssFile ? await readFile(path.join(temp.path, 'out', cssFile), 'utf8') : '';

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(`<!doctype html><style>html,body{margin:0;height:100%}#map{width:1000px;height:700px}${css}</style><div id="map"></div>`);
    const started = Date.now();
    await page.addScriptTag({ content: script });
    await page.waitForSelector(`[data-testid="scatter-map"][data-count="${pointCount}"]`, { timeout: 300_000 });
    const mountMs = Date.now() - started;

    const result = await page.evaluate(async (durationMs) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="scatter-map"]')!;
      const box = canvas.getBoundingClientRect();
      const fire = (type: string, init: PointerEventInit & WheelEventInit) =>
        canvas.dispatchEvent(type === 'wheel' ? new WheelEvent(type, { bubbles: true, cancelable: true, ...init }) : new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 1, button: 0, ...init }));
      // Redraws counted by wrapping the map's WebGL clear (one per drawn frame).
      const gl = canvas.getContext('webgl')!;
      let draws = 0;
      const originalClear = gl.clear.bind(gl);
      gl.clear = (mask: number) => {
        draws++;
        originalClear(mask);
      };
      let handlerMs = 0;
      let frames = 0;
      const intervals: number[] = [];
      let last = performance.now();
      const end = last + durationMs;
      let step = 0;
      let dragging = false;
      await new Promise<void>((resolve) => {
        const frame = (now: number) => {
          frames++;
          intervals.push(now - last);
          last = now;
          if (now >= end) {
            if (dragging) fire('pointerup', { clientX: box.left + 500, clientY: box.top + 350 });
            resolve();
            return;
          }
          const t0 = performance.now();
          const phase = Math.floor(step / 60) % 3; // one second zooming in, one panning, one zooming out
          const x = box.left + box.width / 2 + 200 * Math.cos(step / 20);
          const y = box.top + box.height / 2 + 150 * Math.sin(step / 20);
          if (phase === 1) {
            if (!dragging) {
              fire('pointerdown', { clientX: x, clientY: y });
              dragging = true;
            }
            fire('pointermove', { clientX: x + 3, clientY: y + 2, buttons: 1 });
          } else {
            if (dragging) {
              fire('pointerup', { clientX: x, clientY: y });
              dragging = false;
            }
            fire('wheel', { clientX: x, clientY: y, deltaY: phase === 0 ? -40 : 40 });
            fire('pointermove', { clientX: x, clientY: y });
          }
          handlerMs += performance.now() - t0;
          step++;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      intervals.shift();
      intervals.sort((a, b) => a - b);
      const p = (q: number) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))]!;
      return { frames, draws, seconds: durationMs / 1000, handlerMsPerFrame: handlerMs / frames, p50: p(0.5), p95: p(0.95), max: intervals.at(-1)! };
    }, seconds * 1000);

    console.log(`explorer map, ${pointCount.toLocaleString('en')} points, Chromium ${browser.version()} headless (software WebGL):`);
    console.log(`  mount + first draw (incl. generating the points): ${mountMs} ms`);
    console.log(`  ${result.frames} animation frames in ${result.seconds} s of continuous zoom/pan = ${(result.frames / result.seconds).toFixed(1)} fps`);
    console.log(`  ${result.draws} redraws of the map = ${(result.draws / result.seconds).toFixed(1)} new pictures per second (a view change is drawn in the next frame, so at most every other frame here)`);
    console.log(`  frame interval p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
    console.log(`  map event handlers (hover pick + view change) ${result.handlerMsPerFrame.toFixed(2)} ms per frame on the main thread`);
  } finally {
    await browser.close();
  }
} finally {
  await temp.remove();
}
