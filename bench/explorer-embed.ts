// Embedding throughput of the explorer (images/s of h = f(x), inference mode, batched)
// per backend that runs on this machine, through the same code the 'embed' worker job
// runs (prepareDataset → embedDataset). The images are decoded into the pixel cache
// first (not timed), so the number is the encoder's speed. Encoder: ResNet-18 at the
// app's default width 0.25 and image size 32 (D = 128).
// Prints wall and CPU time (the machine is shared; CPU time is the fairer number).
//
//   node_modules/.bin/node bench/explorer-embed.ts [--backends wasm,cpu] [--count 128]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../worker/backend.ts';
import { openFolderDataset } from '../worker/data/open-folder.ts';
import { embedDataset } from '../worker/embed.ts';
import { resolveTrainConfig } from '../worker/simclr/config.ts';
import { createEncoder } from '../worker/simclr/model.ts';
import { createTempDir, writeLabelledFolder } from '../test/helpers/image-fixtures.ts';

const { values } = parseArgs({ options: { backends: { type: 'string', default: 'wasm,cpu' }, count: { type: 'string', default: '128' } } });
const count = Number(values.count);
const config = resolveTrainConfig({ imageSize: 32, width: 0.25 });
const tmp = await createTempDir('simclr-bench-embed-');
try {
  /** A folder of n generated images, decoded into the pixel cache (not timed). */
  const datasetOf = async (n: number) => {
    const folder = path.join(tmp.path, `images-${n}`);
    await writeLabelledFolder(folder, { classes: { a: Math.ceil(n / 2), b: Math.floor(n / 2) }, size: 48, format: 'jpeg' });
    return openFolderDataset(folder, { imageSize: config.imageSize, cacheDir: path.join(tmp.path, 'cache') });
  };
  for (const backend of values.backends.split(',') as BackendName[]) {
    const { tf, detail } = await selectBackend(backend, () => {});
    const encoder = createEncoder(config);
    // The pure-JS cpu backend is ~100× slower: a smaller sample keeps the run short.
    const subset = await datasetOf(backend === 'cpu' ? Math.min(16, count) : count);
    await embedDataset(tf, encoder, subset, config.imageSize, { batchSize: 64 }); // warm-up (kernels compiled, buffers sized)
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const h = await embedDataset(tf, encoder, subset, config.imageSize, { batchSize: 64 });
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - wall) / 1000;
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(
      `embed ${backend} (${detail}): ${h.rows} images 32 px, ResNet-18 width 0.25 (D=${h.cols}): ` +
        `${(h.rows / seconds).toFixed(1)} images/s wall, ${(h.rows / cpuSeconds).toFixed(1)} images/CPU-s`,
    );
    encoder.dispose();
  }
} finally {
  await tmp.remove();
}
