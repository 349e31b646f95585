// The small async helpers the scanner and the thumbnail jobs rely on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachConcurrent, throttle } from '../../main/services/library/concurrency.ts';
import { batchesOf } from '../../main/services/library/scan.ts';

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

describe('batchesOf (the scanner’s inspection batches)', () => {
  const files = (sizes: number[]) => sizes.map((size, i) => ({ name: `f${i}`, size }));
  const names = (batches: { name: string }[][]) => batches.map((b) => b.map((f) => f.name));

  test('cuts by count', () => {
    assert.deepEqual(names(batchesOf(files([1, 1, 1, 1, 1]), 2, 100)), [['f0', 'f1'], ['f2', 'f3'], ['f4']]);
  });

  test('cuts by bytes, keeping a file larger than the budget in a batch of its own', () => {
    assert.deepEqual(names(batchesOf(files([40, 50, 20, 200, 10, 10]), 8, 100)), [['f0', 'f1'], ['f2'], ['f3'], ['f4', 'f5']]);
  });

  test('gives no batch for no files and keeps every file once, in order', () => {
    assert.deepEqual(batchesOf([], 4, 100), []);
    const many = files(Array.from({ length: 37 }, (_, i) => (i * 13) % 50));
    const batches = batchesOf(many, 5, 60);
    assert.deepEqual(batches.flat(), many);
    for (const b of batches) assert.ok(b.length <= 5 && (b.length === 1 || b.reduce((s, f) => s + f.size, 0) <= 60));
  });
});
