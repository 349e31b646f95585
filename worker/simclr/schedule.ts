// Learning-rate and temperature schedules: pure functions of the step, so a resumed
// run follows the same trajectory and the UI can plot a schedule before training.
import type { TrainConfig } from './config.ts';

/** Total optimisation steps of a run. */
export function totalSteps(config: Pick<TrainConfig, 'epochs'>, stepsPerEpoch: number): number {
  return config.epochs * stepsPerEpoch;
}

/**
 * The learning rate of step `step` (0-based): linear warm-up over `warmupEpochs`, then
 * cosine decay to 0 at the end of the run (SimCLR §B.1; Goyal et al. 2017 for the
 * warm-up; Loshchilov & Hutter 2017 for the cosine, without restarts).
 *
 * Warm-up uses (step + 1) / warmupSteps, so the first step already moves (nanoGPT does
 * the same); the peak `config.lr` is reached on the last warm-up step. The cosine runs
 * from the end of warm-up to `epochs · stepsPerEpoch`, where it reaches 0.
 */
export function learningRateAt(
  step: number,
  config: Pick<TrainConfig, 'lr' | 'epochs' | 'warmupEpochs'>,
  stepsPerEpoch: number,
): number {
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1) {
    throw new RangeError(`stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  const total = totalSteps(config, stepsPerEpoch);
  const warmup = Math.min(Math.round(config.warmupEpochs * stepsPerEpoch), total);
  if (step < warmup) return (config.lr * (step + 1)) / warmup;
  const decaySteps = total - warmup;
  if (decaySteps <= 0) return 0;
  const progress = Math.min(1, (step - warmup) / decaySteps);
  return config.lr * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/**
 * The NT-Xent temperature of step `step` (0-based): constant τ0, or annealed
 * τ_t = τ0 / (1 + ln t) with t = step + 1 (so step 0 uses τ0). DESIGN.md §1.
 */
export function temperatureAt(step: number, config: Pick<TrainConfig, 'temperature' | 'temperatureSchedule'>): number {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  if (config.temperatureSchedule === 'constant') return config.temperature;
  return config.temperature / (1 + Math.log(step + 1));
}
