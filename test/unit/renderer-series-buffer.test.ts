// The live charts' columnar storage (renderer/components/charts/series-buffer.ts): appends
// in place into uPlot's arrays, and a resumed run's replayed steps replace the stored tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesBuffer } from '../../renderer/components/charts/series-buffer.ts';

test('an empty buffer has one column per series plus x, no last x and no latest values', () => {
  const buffer = new SeriesBuffer(2);
  assert.equal(buffer.columns.length, 3);
  assert.equal(buffer.length, 0);
  assert.equal(buffer.lastX, null);
  assert.equal(buffer.latest(0), null);
  assert.equal(buffer.latest(1), null);
});

test('appending adds to the same arrays (uPlot keeps references to them) and bumps the version once per call', () => {
  const buffer = new SeriesBuffer(2);
  const xs = buffer.columns[0];
  const losses = buffer.columns[1];
  buffer.append([{ x: 0, ys: [5, 0.1] }, { x: 1, ys: [4.5, 0.2] }]);
  assert.equal(buffer.version, 1);
  buffer.append([{ x: 2, ys: [4, 0.3] }]);
  assert.equal(buffer.version, 2);
  assert.equal(buffer.columns[0], xs, 'the x column is the same array');
  assert.equal(buffer.columns[1], losses);
  assert.deepEqual(buffer.columns, [[0, 1, 2], [5, 4.5, 4], [0.1, 0.2, 0.3]]);
  assert.equal(buffer.lastX, 2);
  assert.equal(buffer.latest(0), 4);
  assert.equal(buffer.latest(1), 0.3);
  buffer.append([]);
  assert.equal(buffer.version, 2, 'nothing appended, nothing to redraw');
});

test('a resumed run replays from its checkpoint: each step is held once, the replayed values win', () => {
  const buffer = new SeriesBuffer(1);
  buffer.append([0, 1, 2, 3, 4, 5].map((x) => ({ x, ys: [10 - x] })));
  // Resumed after the checkpoint at step 2: steps 3.. come again with new values.
  buffer.append([{ x: 3, ys: [70] }, { x: 4, ys: [60] }]);
  assert.deepEqual(buffer.columns, [[0, 1, 2, 3, 4], [10, 9, 8, 70, 60]]);
  // A replay from before the first stored step keeps nothing of the old tail.
  buffer.append([{ x: 0, ys: [1] }]);
  assert.deepEqual(buffer.columns, [[0], [1]]);
  // A step between stored ones truncates to the last step before it.
  buffer.append([2, 4, 6].map((x) => ({ x, ys: [x] })));
  buffer.append([{ x: 3, ys: [33] }]);
  assert.deepEqual(buffer.columns, [[0, 2, 3], [1, 2, 33]]);
});

test('clear empties every column in place and bumps the version', () => {
  const buffer = new SeriesBuffer(1);
  const xs = buffer.columns[0];
  buffer.append([{ x: 1, ys: [1] }]);
  const version = buffer.version;
  buffer.clear();
  assert.equal(buffer.length, 0);
  assert.equal(buffer.columns[0], xs);
  assert.deepEqual(buffer.columns, [[], []]);
  assert.ok(buffer.version > version);
});
