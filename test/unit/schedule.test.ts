// The learning-rate and temperature schedules at known steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt, temperatureAt, totalSteps } from '../../worker/simclr/schedule.ts';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('linear warm-up reaches the peak on the last warm-up step, then cosine decays to 0', () => {
  const config = { lr: 0.8, epochs: 10, warmupEpochs: 2 };
  const spe = 5; // warm-up = 10 steps, total = 50
  assert.ok(close(learningRateAt(0, config, spe), 0.08));
  assert.ok(close(learningRateAt(4, config, spe), 0.4));
  assert.ok(close(learningRateAt(9, config, spe), 0.8));
  assert.ok(close(learningRateAt(10, config, spe), 0.8)); // cosine starts at the peak
  assert.ok(close(learningRateAt(30, config, spe), 0.4)); // halfway through the decay
  assert.ok(close(learningRateAt(50, config, spe), 0)); // end of the run
  assert.ok(close(learningRateAt(70, config, spe), 0)); // past the end stays at 0
  assert.equal(totalSteps(config, spe), 50);
});

test('without warm-up the first step uses the peak and the schedule never increases', () => {
  const config = { lr: 0.3, epochs: 3, warmupEpochs: 0 };
  assert.ok(close(learningRateAt(0, config, 7), 0.3));
  let previous = Infinity;
  for (let s = 0; s < 21; s++) {
    const lr = learningRateAt(s, config, 7);
    assert.ok(lr <= previous && lr >= 0);
    previous = lr;
  }
});

test('fractional warm-up epochs round to whole steps', () => {
  const config = { lr: 1, epochs: 10, warmupEpochs: 0.5 };
  // 0.5 · 4 = 2 warm-up steps.
  assert.ok(close(learningRateAt(0, config, 4), 0.5));
  assert.ok(close(learningRateAt(1, config, 4), 1));
});

test('a warm-up longer than the run is cut to the run', () => {
  const config = { lr: 1, epochs: 1, warmupEpochs: 5 };
  assert.ok(close(learningRateAt(0, config, 4), 0.25));
  assert.ok(close(learningRateAt(3, config, 4), 1));
  assert.equal(learningRateAt(4, config, 4), 0);
});

test('temperature: constant, or τ0 / (1 + ln(step + 1))', () => {
  assert.equal(temperatureAt(0, { temperature: 0.5, temperatureSchedule: 'constant' }), 0.5);
  assert.equal(temperatureAt(999, { temperature: 0.5, temperatureSchedule: 'constant' }), 0.5);
  const annealed = { temperature: 0.5, temperatureSchedule: 'annealed' } as const;
  assert.equal(temperatureAt(0, annealed), 0.5);
  assert.ok(close(temperatureAt(Math.round(Math.E) - 1, annealed), 0.5 / (1 + Math.log(3))));
  assert.ok(close(temperatureAt(99, annealed), 0.5 / (1 + Math.log(100))));
});

test('bad steps and step counts are refused with a message', () => {
  const config = { lr: 1, epochs: 1, warmupEpochs: 0 };
  assert.throws(() => learningRateAt(-1, config, 3), /step must be a non-negative integer/);
  assert.throws(() => learningRateAt(0, config, 0), /stepsPerEpoch must be a positive integer/);
  assert.throws(() => temperatureAt(1.5, { temperature: 1, temperatureSchedule: 'constant' }), /step must be/);
});
