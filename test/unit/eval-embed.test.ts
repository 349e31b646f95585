// embedDataset feeds the encoder the centre S×S crop of each square source, scaled to
// [0, 1], in dataset order. Checked with a real LayersModel whose output is the mean
// colour of its input (global average pooling), against the crop computed here.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { openFolderDataset } from '../../worker/data/open-folder.ts';
import { embedDataset } from '../../worker/embed.ts';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-embed-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function meanColourModel(size: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  const output = tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor; // [N, 3]
  return tf.model({ inputs: input, outputs: output });
}

test('h is computed on the centre crop of the source, scaled to [0, 1]', async () => {
  const folder = path.join(root, 'images');
  await fs.mkdir(folder);
  // A red frame around a blue centre: the crop sees less red than the whole source.
  for (let i = 0; i < 3; i++) {
    const raw = Buffer.alloc(100 * 100 * 3);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) {
      const inner = x >= 20 + i && x < 80 && y >= 20 && y < 80 - i;
      raw.set(inner ? [0, 40 * i, 255] : [255, 0, 0], (y * 100 + x) * 3);
    }
    await sharp(raw, { raw: { width: 100, height: 100, channels: 3 } }).png().toFile(path.join(folder, `${i}.png`));
  }
  const S = 72; // > 64: the source is round(72·8/7) = 82 px
  const dataset = await openFolderDataset(folder, { imageSize: S, cacheDir: path.join(root, 'cache') });
  assert.equal(dataset.side, 82);
  const model = meanColourModel(S);
  const h = await embedDataset(tf, model, dataset, S, { batchSize: 2 });
  assert.deepEqual([h.rows, h.cols, h.indices], [3, 3, [0, 1, 2]]);
  const offset = Math.floor((82 - S) / 2);
  for (let r = 0; r < 3; r++) {
    const px = await dataset.pixels(r);
    const expected = [0, 0, 0];
    for (let y = offset; y < offset + S; y++) for (let x = offset; x < offset + S; x++) for (let c = 0; c < 3; c++) expected[c]! += px[(y * 82 + x) * 3 + c]! / 255 / (S * S);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(h.data[r * 3 + c]! - expected[c]!) < 1e-4, `image ${r} channel ${c}: ${h.data[r * 3 + c]} vs ${expected[c]}`);
  }
  // The whole source has more red than its centre crop: the crop really happened.
  const whole = await dataset.pixels(0);
  let red = 0;
  for (let p = 0; p < 82 * 82; p++) red += whole[p * 3]! / 255 / (82 * 82);
  assert.ok(red > h.data[0]! + 0.02, `source red ${red} vs crop red ${h.data[0]}`);
  model.dispose();
});

test('an encoder larger than the source is refused', async () => {
  const dataset = await openFolderDataset(path.join(root, 'images'), { imageSize: 16, cacheDir: path.join(root, 'cache') });
  const model = meanColourModel(32);
  await assert.rejects(embedDataset(tf, model, dataset, 32), /cannot embed at 32 px from 16 px sources/);
  model.dispose();
});
