// The encoder f and head g: shapes for every backbone and stem, the real ResNet
// parameter counts at width 1, seeded initialisation, batch-norm statistics in training
// mode, and a save/load round trip through an in-memory IOHandler.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { resolveTrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import {
  countTrainableParameters,
  createEncoder,
  createProjectionHead,
  encoderOutputDim,
  movingStatistics,
  stageWidths,
  trainableVariables,
} from '../../worker/simclr/model.ts';

before(async () => {
  await tf.setBackend('cpu');
});

function tiny(overrides: TrainConfigInput = {}) {
  return resolveTrainConfig({ width: 0.125, imageSize: 8, batchSize: 2, ...overrides });
}

test('every backbone and stem maps [N, S, S, 3] to h [N, D] with D = encoderOutputDim', () => {
  for (const backbone of ['resnet18', 'resnet34', 'resnet50'] as const) {
    for (const [stem, imageSize] of [
      ['cifar', 8],
      ['imagenet', 32],
    ] as const) {
      const config = tiny({ backbone, stem, imageSize });
      const encoder = createEncoder(config);
      const d = encoderOutputDim(config);
      assert.equal(d, backbone === 'resnet50' ? 256 : 64);
      const h = tf.tidy(() => encoder.predict(tf.zeros([2, imageSize, imageSize, 3])) as tf.Tensor);
      assert.deepEqual(h.shape, [2, d], `${backbone}/${stem}`);
      h.dispose();
      encoder.dispose();
    }
  }
});

test('the ImageNet stem downsamples by 4 before stage 1, the CIFAR stem keeps the resolution', () => {
  const spatial = (stem: 'cifar' | 'imagenet') => {
    const encoder = createEncoder(tiny({ stem, imageSize: 32 }));
    const shape = encoder.getLayer('stage1_block1_out').outputShape as number[];
    encoder.dispose();
    return shape[1];
  };
  assert.equal(spatial('cifar'), 32);
  assert.equal(spatial('imagenet'), 8);
});

test('at width 1 the parameter counts are those of ResNet-18 (11.2M) and ResNet-50 (23.5M) without fc', () => {
  // torchvision: resnet18 11,689,512 − fc 513,000; resnet50 25,557,032 − fc 2,049,000.
  for (const [backbone, expected] of [
    ['resnet18', 11_176_512],
    ['resnet50', 23_508_032],
  ] as const) {
    const encoder = createEncoder(resolveTrainConfig({ backbone, width: 1, stem: 'imagenet', imageSize: 64 }));
    assert.equal(countTrainableParameters(encoder), expected, backbone);
    encoder.dispose();
  }
});

test('stage widths are 64·w … 512·w rounded, never below 8', () => {
  assert.deepEqual(stageWidths(1), [64, 128, 256, 512]);
  assert.deepEqual(stageWidths(0.25), [16, 32, 64, 128]);
  assert.deepEqual(stageWidths(0.05), [8, 8, 13, 26]);
  assert.throws(() => stageWidths(0), /width multiplier must be positive/);
});

test('the projection head maps [N, D] to [N, 128] with the configured depth and hidden width', () => {
  const config = tiny({ projectionLayers: 3, projectionHiddenDim: 24 });
  const head = createProjectionHead(config, 8);
  assert.equal(head.layers.filter((l) => l.getClassName() === 'Dense').length, 3);
  assert.equal(head.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 2);
  assert.deepEqual(head.getLayer('head_dense1').outputShape, [null, 24]);
  const z = tf.tidy(() => head.predict(tf.ones([3, 8])) as tf.Tensor);
  assert.deepEqual(z.shape, [3, 128]);
  z.dispose();
  head.dispose();
  const linear = createProjectionHead(tiny({ projectionLayers: 1 }), 8);
  assert.equal(linear.layers.filter((l) => l.getClassName() === 'Dense').length, 1);
  linear.dispose();
  assert.throws(() => createProjectionHead(config, 0), /input width must be a positive integer/);
});

test('initialisation is seeded: the same seed gives the same weights, another seed different ones', () => {
  const sumOfKernel = (seed: number) => {
    const encoder = createEncoder(tiny({ seed }));
    const value = tf.tidy(() => encoder.getLayer('stage2_block1_conv1').getWeights()[0].abs().sum().dataSync()[0]);
    encoder.dispose();
    return value;
  };
  assert.equal(sumOfKernel(3), sumOfKernel(3));
  assert.notEqual(sumOfKernel(3), sumOfKernel(4));
});

test('parameters carry stable names; BN statistics are separate and move in training mode only', () => {
  const config = tiny();
  const encoder = createEncoder(config);
  const head = createProjectionHead(config, encoderOutputDim(config));
  const params = trainableVariables(encoder, head);
  assert.equal(params[0].name, 'stem_conv/kernel');
  assert.ok(params.some((p) => p.name === 'head_out/bias'));
  const stats = movingStatistics(encoder);
  assert.ok(stats.every((s) => /moving_(mean|variance)$/.test(s.name)));
  const meanOf = () => stats[0].variable.dataSync().slice();
  const initial = meanOf();
  tf.tidy(() => encoder.predict(tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1)));
  assert.deepEqual(meanOf(), initial, 'inference must not touch the moving mean');
  tf.tidy(() => {
    encoder.apply(tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1), { training: true });
  });
  assert.notDeepEqual(meanOf(), initial, 'training mode must update the moving mean');
  assert.throws(() => trainableVariables(encoder, encoder), /two weights are named/);
  encoder.dispose();
  head.dispose();
});

test('the encoder saves through a custom IOHandler and loads back with the same h', async () => {
  const config = tiny({ stem: 'imagenet', imageSize: 16 });
  const encoder = createEncoder(config);
  const x = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 7);
  // One training-mode pass so the moving statistics are not their initial values.
  tf.tidy(() => {
    encoder.apply(x, { training: true });
  });
  let saved: tf.io.ModelArtifacts | undefined;
  await encoder.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  assert.ok(saved?.weightData);
  // Round-trip the topology through JSON text, as a model.json file would.
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({ ...saved, modelTopology: JSON.parse(JSON.stringify(saved.modelTopology)) }),
  );
  const [a, b] = tf.tidy(() => [encoder.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]) < 1e-6);
  assert.ok(tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]) > 0, 'h must not be trivially zero');
  tf.dispose([a, b, x]);
  encoder.dispose();
  loaded.dispose();
});

test('an unknown backbone or stem is refused by name', () => {
  const config = tiny();
  assert.throws(() => createEncoder({ ...config, backbone: 'vgg16' as never }), /unknown backbone 'vgg16'/);
  assert.throws(() => createEncoder({ ...config, stem: 'tiny' as never }), /unknown stem 'tiny'/);
});
