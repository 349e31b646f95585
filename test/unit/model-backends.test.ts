// The encoder saved on one backend loads with tf.loadLayersModel on another and gives
// the same h (the export contract: "loads on any backend").
import { test, before } from 'node:test';
import { assertClose, readyBackends } from './kernels-helpers.ts';
import * as tf from '@tensorflow/tfjs';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import { createEncoder } from '../../worker/simclr/model.ts';

before(readyBackends);

test('an encoder saved on cpu loads on wasm with the same h', async () => {
  await tf.setBackend('cpu');
  const encoder = createEncoder(resolveTrainConfig({ backbone: 'resnet50', width: 0.125, imageSize: 16 }));
  const input = () => tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 5);
  tf.tidy(() => {
    encoder.apply(input(), { training: true }); // moving statistics away from their initial values
  });
  const expected = tf.tidy(() => (encoder.predict(input()) as tf.Tensor).dataSync() as Float32Array);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await encoder.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  encoder.dispose();
  await tf.setBackend('wasm');
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  const actual = tf.tidy(() => (loaded.predict(input()) as tf.Tensor).dataSync() as Float32Array);
  loaded.dispose();
  assertClose(actual, expected, 'h after loading on wasm', 1e-4);
});
