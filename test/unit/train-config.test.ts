// The training config: defaults resolved once (paper presets), bad values refused by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZodError } from 'zod';
import { resolveTrainConfig, scaledLearningRate } from '../../worker/simclr/config.ts';

test('small images get the CIFAR preset: CIFAR stem, jitter strength 0.5, no blur', () => {
  const c = resolveTrainConfig({ imageSize: 32 });
  assert.equal(c.stem, 'cifar');
  assert.equal(c.augment.jitterStrength, 0.5);
  assert.equal(c.augment.blurP, 0);
});

test('large images get the ImageNet stem, jitter strength 1 and blur p = 0.5', () => {
  const c = resolveTrainConfig({ imageSize: 96 });
  assert.equal(c.stem, 'imagenet');
  assert.equal(c.augment.jitterStrength, 1);
  assert.equal(c.augment.blurP, 0.5);
});

test('learning rate follows the paper scaling rules unless given', () => {
  assert.ok(Math.abs(resolveTrainConfig({ optimizer: 'lars', batchSize: 256, lrScaling: 'linear' }).lr - 0.3) < 1e-12);
  assert.ok(Math.abs(resolveTrainConfig({ optimizer: 'lars', batchSize: 64 }).lr - 0.075 * 8) < 1e-12);
  assert.ok(Math.abs(scaledLearningRate('sgd', 'linear', 512) - 0.24) < 1e-12);
  assert.equal(resolveTrainConfig({ lr: 0.01 }).lr, 0.01);
});

test('warm-up defaults to 10 epochs, capped at a tenth of the run', () => {
  assert.equal(resolveTrainConfig({ epochs: 200 }).warmupEpochs, 10);
  assert.equal(resolveTrainConfig({ epochs: 20 }).warmupEpochs, 2);
});

test('weight decay defaults per optimiser', () => {
  assert.equal(resolveTrainConfig({ optimizer: 'lars' }).weightDecay, 1e-6);
  assert.equal(resolveTrainConfig({ optimizer: 'sgd' }).weightDecay, 5e-4);
});

test('bad values are refused with the field named', () => {
  const cases: [unknown, string][] = [
    [{ imageSize: 4 }, 'imageSize'],
    [{ batchSize: 1 }, 'batchSize'],
    [{ backbone: 'vgg16' }, 'backbone'],
    [{ optimizer: 'rmsprop' }, 'optimizer'],
    [{ augment: { cropScale: [0, 1] } }, 'augment.cropScale'],
    [{ augment: { cropScale: [0.5, 0.2] } }, 'augment.cropScale'],
    [{ augment: { cropRatio: [-1, 1] } }, 'augment.cropRatio'],
    [{ augment: { blurSigma: [0, 2] } }, 'augment.blurSigma'],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => resolveTrainConfig(input as never),
      (error: unknown) => error instanceof ZodError && error.issues.some((i) => i.path.join('.') === field),
      `expected ${JSON.stringify(input)} to be refused at ${field}`,
    );
  }
});

test('the resolved config is frozen', () => {
  const c = resolveTrainConfig({});
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.augment));
});
