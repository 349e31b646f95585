// The seedable PRNG behind the augmentations: determinism, state save/restore, ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, restoreRng } from '../../worker/simclr/rng.ts';

const draw = (rng: ReturnType<typeof createRng>, n: number) => Array.from({ length: n }, () => rng.next());

test('the same seed gives the same stream, other seeds other streams', () => {
  assert.deepEqual(draw(createRng(42), 20), draw(createRng(42), 20));
  assert.notDeepEqual(draw(createRng(42), 20), draw(createRng(43), 20));
});

test('a restored state continues the stream exactly; the state is plain JSON', () => {
  const rng = createRng(7);
  draw(rng, 13);
  const state = JSON.parse(JSON.stringify(rng.state()));
  const rest = draw(rng, 50);
  assert.deepEqual(draw(restoreRng(state), 50), rest);
});

test('values stay in range and look uniform', () => {
  const rng = createRng(1);
  const values = draw(rng, 20000);
  assert.ok(values.every((v) => v >= 0 && v < 1));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 6000; i++) counts[rng.int(6)]++;
  assert.ok(counts.every((c) => c > 850 && c < 1150), `int(6) counts ${counts}`);
  for (let i = 0; i < 100; i++) {
    const u = rng.uniform(-2, 3);
    assert.ok(u >= -2 && u < 3);
  }
});

test('bad seeds and states are refused with a message', () => {
  assert.throws(() => createRng(1.5), /seed must be an integer/);
  assert.throws(() => restoreRng([1, 2, 3] as never), /four unsigned 32-bit integers/);
  assert.throws(() => restoreRng([1, 2, 3, -4]), /four unsigned 32-bit integers/);
  assert.throws(() => createRng(0).int(0), /positive integer bound/);
});
