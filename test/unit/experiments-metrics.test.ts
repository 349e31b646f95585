// Step-metric thinning for long runs, the train job's app-worded refusals and the full
// disk message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FULL_STEPS, keepStep, MAX_ROWS } from '../../main/services/training/metric-sampling.ts';
import { asTrainingFailure, assertTrainable } from '../../worker/jobs/train-errors.ts';
import { TrainingError } from '../../worker/simclr/trainer-errors.ts';

describe('keepStep', () => {
  test('a short run keeps every step', () => {
    for (let s = 1; s <= 2000; s++) assert.ok(keepStep(s, 2000));
  });

  test('a long run keeps the first steps, the last one, and about MAX_ROWS rows evenly', () => {
    const total = 100_000;
    const kept = Array.from({ length: total }, (_, i) => i + 1).filter((s) => keepStep(s, total));
    assert.ok(kept.length <= MAX_ROWS + 1 && kept.length >= MAX_ROWS * 0.9, `${kept.length} rows`);
    assert.deepEqual(kept.slice(0, FULL_STEPS), Array.from({ length: FULL_STEPS }, (_, i) => i + 1));
    assert.equal(kept.at(-1), total);
    const gaps = new Set(kept.slice(FULL_STEPS, -1).map((s, i, a) => (i ? s - a[i - 1]! : 0)).slice(1));
    assert.equal(gaps.size, 1, 'evenly spaced after the first steps');
  });
});

describe('train job refusals', () => {
  test('fewer than two images and a batch larger than the images are refused with what to do', () => {
    assert.throws(() => assertTrainable('/pics', 1, 2, 2), (e: Error) => e instanceof TrainingError && /at least 2 usable images.*\/pics has 1 \(2 file\(s\) could not be read/.test(e.message));
    assert.throws(() => assertTrainable('/pics', 3, 0, 4), /batch size 4 is larger than the 3 usable images of \/pics; create an experiment with a batch size of 3 or fewer/);
    assert.doesNotThrow(() => assertTrainable('/pics', 4, 0, 4));
  });

  test('a full disk becomes a message saying the previous checkpoint is intact', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const wrapped = new Error('could not write /d/last.ckpt: ENOSPC: no space left on device', { cause: enospc });
    const failure = asTrainingFailure(wrapped) as Error;
    assert.ok(failure instanceof TrainingError);
    assert.match(failure.message, /disk holding the data folder is full.*previous checkpoint is intact/);
    const other = new Error('something else');
    assert.equal(asTrainingFailure(other), other);
  });
});
