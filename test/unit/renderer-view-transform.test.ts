// The explorer map's camera (renderer/components/scatter/view-transform.ts): data ↔ screen,
// zoom at a point, pan by dragged pixels, reset, and the shader's clip scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_VIEW, clipScale, panBy, pixelsPerUnit, toData, toScreen, zoomAt, type View } from '../../renderer/components/scatter/view-transform.ts';

const size = { width: 800, height: 500 };
const near = (actual: number, expected: number, what: string, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);

test('at the initial view the [-1, 1] square fits the shorter side with a margin, centred, y up', () => {
  // 0.9 × 500 / 2 = 225 px per data unit.
  assert.equal(pixelsPerUnit(INITIAL_VIEW, size), 225);
  assert.deepEqual(toScreen(INITIAL_VIEW, size, 0, 0), { x: 400, y: 250 });
  assert.deepEqual(toScreen(INITIAL_VIEW, size, 1, 1), { x: 625, y: 25 });
  assert.deepEqual(toScreen(INITIAL_VIEW, size, -1, -1), { x: 175, y: 475 });
});

test('toData inverts toScreen for any view', () => {
  const views: View[] = [INITIAL_VIEW, { cx: 0.3, cy: -0.7, zoom: 3.5 }, { cx: -12, cy: 4, zoom: 0.25 }];
  for (const view of views) {
    for (const [x, y] of [[0, 0], [0.5, -0.25], [-1, 1], [7, -3]] as const) {
      const screen = toScreen(view, size, x, y);
      const back = toData(view, size, screen.x, screen.y);
      near(back.x, x, `x of (${x}, ${y}) at ${JSON.stringify(view)}`);
      near(back.y, y, `y of (${x}, ${y}) at ${JSON.stringify(view)}`);
    }
  }
});

test('zooming at a point keeps the data under that point fixed on screen', () => {
  let view: View = { cx: 0.1, cy: 0.2, zoom: 1.3 };
  for (const [sx, sy, factor] of [[120, 80, 2], [700, 460, 1.5], [400, 250, 0.5], [13, 490, 4]] as const) {
    const anchor = toData(view, size, sx, sy);
    const zoomed = zoomAt(view, size, sx, sy, factor);
    near(zoomed.zoom, view.zoom * factor, 'zoom multiplied by the factor');
    const after = toScreen(zoomed, size, anchor.x, anchor.y);
    near(after.x, sx, `screen x of the anchor after zooming ×${factor}`, 1e-6);
    near(after.y, sy, `screen y of the anchor after zooming ×${factor}`, 1e-6);
    view = zoomed;
  }
});

test('zoom is clamped, and a clamped zoom still keeps the anchor fixed', () => {
  const far = zoomAt(INITIAL_VIEW, size, 600, 100, 1e9);
  assert.equal(far.zoom, 5000);
  const anchor = toData(INITIAL_VIEW, size, 600, 100);
  const after = toScreen(far, size, anchor.x, anchor.y);
  near(after.x, 600, 'anchor x at the maximum zoom', 1e-6);
  near(after.y, 100, 'anchor y at the maximum zoom', 1e-6);
  assert.equal(zoomAt(INITIAL_VIEW, size, 10, 10, 1e-9).zoom, 0.25);
});

test('panning moves every point by exactly the dragged pixels', () => {
  const view: View = { cx: -0.4, cy: 0.9, zoom: 2.7 };
  const panned = panBy(view, size, 37, -12);
  assert.equal(panned.zoom, view.zoom);
  for (const [x, y] of [[0, 0], [-0.4, 0.9], [1, -1]] as const) {
    const before = toScreen(view, size, x, y);
    const after = toScreen(panned, size, x, y);
    near(after.x - before.x, 37, 'horizontal shift', 1e-6);
    near(after.y - before.y, -12, 'vertical shift (screen y down)', 1e-6);
  }
});

test('zoom and pan return new views and leave the one they start from (the reset view) unchanged', () => {
  const moved = panBy(zoomAt(INITIAL_VIEW, size, 100, 100, 8), size, 250, 40);
  assert.notDeepEqual(toScreen(moved, size, 0, 0), toScreen(INITIAL_VIEW, size, 0, 0));
  // The map resets by assigning INITIAL_VIEW, so it must still be the unmoved camera.
  assert.deepEqual(INITIAL_VIEW, { cx: 0, cy: 0, zoom: 1 });
  assert.deepEqual(toScreen(INITIAL_VIEW, size, 0, 0), { x: 400, y: 250 });
});

test('clip scale maps a data offset to the same offset in clip space as toScreen in pixels', () => {
  const view: View = { cx: 0.25, cy: -0.5, zoom: 1.75 };
  const [scaleX, scaleY] = clipScale(view, size);
  const x = 0.9;
  const y = 0.1;
  const screen = toScreen(view, size, x, y);
  // clip = (data − centre) · scale; clip x = (sx − w/2)/(w/2), clip y = (h/2 − sy)/(h/2).
  near((x - view.cx) * scaleX, (screen.x - size.width / 2) / (size.width / 2), 'clip x');
  near((y - view.cy) * scaleY, (size.height / 2 - screen.y) / (size.height / 2), 'clip y');
});
