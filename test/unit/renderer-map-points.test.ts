// The explorer map's bulk data (renderer/components/scatter/map-points.ts): typed arrays
// from the API's projection, category and palette slot per point, and the legend colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Projection } from '../../main/api/contract.ts';
import { MAP_PALETTE, ROOT_COLOUR, indexById, labelColour, mapPointsFrom, pointSizeFor } from '../../renderer/components/scatter/map-points.ts';

/** A projection of `labelIndex.length` points with 12 labels (more than the 10 colours). */
function projection(labelIndex: number[]): Projection {
  const count = labelIndex.length;
  return {
    setId: 1,
    method: 'pca',
    seed: 0,
    count,
    coordinates: labelIndex.flatMap((_, i) => [i / count, -i / count]),
    imageIds: labelIndex.map((_, i) => 100 + 7 * i),
    relPaths: labelIndex.map((label, i) => (label < 0 ? `root-${i}.png` : `l${label}/img-${i}.png`)),
    labelIndex,
    labels: Array.from({ length: 12 }, (_, i) => `l${i}`),
  };
}

test('coordinates are split into x and y in point order, ids into an Int32Array', () => {
  const points = mapPointsFrom(projection([0, 1, 2, 3]));
  assert.equal(points.count, 4);
  assert.deepEqual([...points.x], [0, 0.25, 0.5, 0.75]);
  assert.deepEqual([...points.y], [-0, -0.25, -0.5, -0.75]);
  assert.ok(points.imageIds instanceof Int32Array);
  assert.deepEqual([...points.imageIds], [100, 107, 114, 121]);
  assert.equal(points.relPaths[2], 'l2/img-2.png');
});

test('images at the root get the extra category and the grey slot; labels past ten reuse the colours', () => {
  const points = mapPointsFrom(projection([0, 9, 10, 11, -1]));
  assert.equal(points.hasRoot, true);
  assert.deepEqual([...points.category], [0, 9, 10, 11, 12], 'the root category is labels.length');
  assert.deepEqual([...points.colourSlot], [0, 9, 0, 1, 10]);
  assert.equal(MAP_PALETTE[10], ROOT_COLOUR);
  assert.equal(mapPointsFrom(projection([0, 1])).hasRoot, false);
});

test('the legend colour of each point is the colour the map draws it in', () => {
  const labelIndex = [0, 3, 9, 10, 11, -1, 5, -1];
  const points = mapPointsFrom(projection(labelIndex));
  labelIndex.forEach((label, i) => {
    assert.equal(MAP_PALETTE[points.colourSlot[i]!], labelColour(label < 0 ? null : label), `point ${i} (label ${label})`);
  });
  // Ten distinct category colours, none of them the root grey.
  assert.equal(new Set(MAP_PALETTE).size, MAP_PALETTE.length);
});

test('indexById maps each image id to its point index', () => {
  const points = mapPointsFrom(projection([0, 0, 1, -1]));
  const byId = indexById(points);
  assert.equal(byId.size, 4);
  for (let i = 0; i < points.count; i++) assert.equal(byId.get(points.imageIds[i]!), i);
  assert.equal(byId.get(999), undefined);
});

test('points get smaller as there are more of them, never below 2 px', () => {
  const counts = [1, 200, 201, 5_000, 5_001, 50_000, 50_001, 1_000_000];
  const sizes = counts.map(pointSizeFor);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! <= sizes[i - 1]!, `${counts[i]} points: ${sizes[i]} px`);
  assert.equal(sizes[0], 10);
  assert.equal(sizes.at(-1), 2);
});
