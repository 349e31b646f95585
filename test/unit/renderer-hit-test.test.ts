// The explorer map's picking (renderer/components/scatter/hit-test.ts): the nearest point
// within a screen radius, and the points inside a lasso polygon (even-odd rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestInDirection, nearestPoint, pointsInPolygon } from '../../renderer/components/scatter/hit-test.ts';
import { INITIAL_VIEW, toScreen, zoomAt, type View } from '../../renderer/components/scatter/view-transform.ts';

const size = { width: 800, height: 500 }; // 225 CSS px per data unit at the initial view
const f32 = (values: number[]) => Float32Array.from(values);

test('pick returns the nearest point within the radius, not the first one within it', () => {
  // Point 0 is 6 px right of the query, point 1 is 2 px left of it: both within 8 px.
  const query = toScreen(INITIAL_VIEW, size, 0.2, 0.2);
  const x = f32([0.2 + 6 / 225, 0.2 - 2 / 225, 0.9]);
  const y = f32([0.2, 0.2, 0.9]);
  assert.equal(nearestPoint(x, y, INITIAL_VIEW, size, query.x, query.y, 8), 1);
});

test('pick returns -1 when no point is within the radius, and the radius is in screen pixels', () => {
  const x = f32([10 / 225]);
  const y = f32([0]);
  const centre = toScreen(INITIAL_VIEW, size, 0, 0);
  assert.equal(nearestPoint(x, y, INITIAL_VIEW, size, centre.x, centre.y, 8), -1, '10 px away at zoom 1');
  assert.equal(nearestPoint(x, y, INITIAL_VIEW, size, centre.x, centre.y, 12), 0, '10 px away with a 12 px radius');
  // Zoomed out ×0.5 the same point is 5 px from the centre: within 8 px.
  const zoomedOut = zoomAt(INITIAL_VIEW, size, centre.x, centre.y, 0.5);
  assert.equal(nearestPoint(x, y, zoomedOut, size, centre.x, centre.y, 8), 0, '5 px away at zoom 0.5');
  assert.equal(nearestPoint(f32([]), f32([]), INITIAL_VIEW, size, centre.x, centre.y, 8), -1, 'no points');
});

test('pick agrees with the screen positions under a panned and zoomed view', () => {
  const view: View = { cx: 0.5, cy: -0.25, zoom: 6 };
  const x = f32([0.5, 0.52, 0.48, 0.5]);
  const y = f32([-0.25, -0.25, -0.23, -0.27]);
  for (let i = 0; i < x.length; i++) {
    const at = toScreen(view, size, x[i]!, y[i]!);
    assert.equal(nearestPoint(x, y, view, size, at.x + 1, at.y - 1, 8), i, `the point drawn at (${at.x}, ${at.y})`);
  }
});

test('equally near points: the lowest index wins, whatever the order of the others', () => {
  // Points 1 and 3 are both exactly 4 px from the query; point 0 and 2 are farther.
  const k = 225;
  const x = f32([0, 4 / k, 0, -4 / k, 0]);
  const y = f32([7 / k, 0, -6 / k, 0, 0.5]);
  const centre = toScreen(INITIAL_VIEW, size, 0, 0);
  assert.equal(nearestPoint(x, y, INITIAL_VIEW, size, centre.x, centre.y, 8), 1);
  // Identical points (duplicates in the projection): the first is picked.
  assert.equal(nearestPoint(f32([0.1, 0.1, 0.1]), f32([0.1, 0.1, 0.1]), INITIAL_VIEW, size, 400 + 0.1 * k, 250 - 0.1 * k, 8), 0);
});

test('lasso: a concave polygon includes the points inside and excludes those in its notch', () => {
  // A "U": the square [0, 3] × [0, 3] with the notch [1, 2] × [1, 3] cut from its top.
  const u = [0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3];
  const points: [number, number, boolean][] = [
    [0.5, 0.5, true], // bottom-left
    [1.5, 0.5, true], // bottom bar, below the notch
    [0.5, 2.5, true], // left arm
    [2.5, 2.5, true], // right arm
    [1.5, 1.5, false], // in the notch
    [1.5, 2.9, false], // in the notch, near the top
    [3.5, 1.5, false], // right of the polygon
    [-0.1, 0.5, false], // left of it
    [1.5, -0.5, false], // below it
  ];
  const x = f32(points.map((p) => p[0]));
  const y = f32(points.map((p) => p[1]));
  const expected = points.flatMap((p, i) => (p[2] ? [i] : []));
  assert.deepEqual(pointsInPolygon(x, y, u), expected);
  // The same polygon listed the other way round selects the same points.
  const reversed: number[] = [];
  for (let j = u.length - 2; j >= 0; j -= 2) reversed.push(u[j]!, u[j + 1]!);
  assert.deepEqual(pointsInPolygon(x, y, reversed), expected);
});

test('lasso: fewer than three vertices select nothing; a self-crossing bow-tie follows the even-odd rule', () => {
  const x = f32([0.5, 0.5, 0.25, 0.75]);
  const y = f32([0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(pointsInPolygon(x, y, []), []);
  assert.deepEqual(pointsInPolygon(x, y, [0, 0, 1, 1]), []);
  // A bow-tie (0,0)→(1,1)→(1,0)→(0,1): two triangles meeting at (0.5, 0.5); their insides are
  // left (x < 0.5) and right (x > 0.5).
  assert.deepEqual(pointsInPolygon(x, y, [0, 0, 1, 1, 1, 0, 0, 1]).filter((i) => i >= 2), [2, 3]);
});

test('arrow keys: the focus moves to the nearest point within 45° of the arrow, not merely the nearest', () => {
  // From point 0 at the origin: point 1 is near but 60° off to the upper right; point 2 is
  // farther, straight right; point 3 is behind (left).
  const x = f32([0, 0.1, 0.5, -0.05]);
  const y = f32([0, 0.1 * Math.sqrt(3), 0, 0]);
  assert.equal(nearestInDirection(x, y, 0, 1, 0), 2, 'right');
  assert.equal(nearestInDirection(x, y, 0, 0, 1), 1, 'up');
  assert.equal(nearestInDirection(x, y, 0, -1, 0), 3, 'left');
  assert.equal(nearestInDirection(x, y, 0, 0, -1), -1, 'nothing below');
  // From point 3, right: point 0 (straight right) is nearer than point 2 beyond it.
  assert.equal(nearestInDirection(x, y, 3, 1, 0), 0);
  // From point 2, left: point 1 is within 45° (23° up) and nearer than point 0.
  assert.equal(nearestInDirection(x, y, 2, -1, 0), 1);
});

test('arrow keys: with nothing within 45°, the nearest point ahead is reached; ties go to the lowest index', () => {
  // Only steep points to the right: (0.1, 0.5) is nearer than (0.2, -0.9).
  const x = f32([0, 0.2, 0.1]);
  const y = f32([0, -0.9, 0.5]);
  assert.equal(nearestInDirection(x, y, 0, 1, 0), 2);
  // Two points exactly mirrored about the arrow: the lower index.
  const mx = f32([0, 0.3, 0.3]);
  const my = f32([0, -0.1, 0.1]);
  assert.equal(nearestInDirection(mx, my, 0, 1, 0), 1);
  // A point at the same position is never "ahead" (the focus cannot get stuck on it).
  assert.equal(nearestInDirection(f32([0, 0, 0.4]), f32([0, 0, 0]), 0, 1, 0), 2);
});
