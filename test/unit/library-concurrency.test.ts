// The small async helpers the scanner and the thumbnail jobs rely on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachConcurrent, throttle } from '../../main/services/library/concurrency.ts';

describe('forEachConcurrent', () => {
  test('never runs more than `limit` calls at once and visits every item once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrent(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(item);
        running--;
      },
    );
    assert.equal(peak, 3);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  });

  test('stops starting new calls once aborted, without throwing', async () => {
    const controller = new AbortController();
    let started = 0;
    await forEachConcurrent(
      Array.from({ length: 50 }, (_, i) => i),
      2,
      async () => {
        started++;
        if (started === 4) controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
      },
      controller.signal,
    );
    assert.ok(started >= 4 && started <= 5, `started ${started}`);
  });

  test('an empty list resolves at once', async () => {
    let calls = 0;
    await forEachConcurrent([], 4, async () => void calls++);
    assert.equal(calls, 0);
  });
});

describe('throttle', () => {
  test('delivers the first call, drops calls inside the interval, and always delivers a flush', () => {
    const got: number[] = [];
    const t = throttle<number>((v) => got.push(v), 60_000);
    t.call(1);
    t.call(2);
    t.call(3);
    t.flush(4);
    assert.deepEqual(got, [1, 4]);
  });
});
