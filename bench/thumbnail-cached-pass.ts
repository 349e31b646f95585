// The cost of a bulk thumbnail pass when every thumbnail is already cached (what
// prefetchDataset does after each re-scan of an unchanged folder): wall ms per pass,
// µs per image, and the main thread's CPU time. The first pass makes the thumbnails and
// is not what this measures; the cached passes follow it. Prints numbers; asserts nothing.
//
//   node_modules/.bin/node bench/thumbnail-cached-pass.ts [--count 5000] [--passes 5]
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStudio } from '../main/services/studio.ts';
import { forEachConcurrent } from '../main/services/library/concurrency.ts';
import { createTempDir, writeImage } from '../test/helpers/image-fixtures.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '5000' }, passes: { type: 'string', default: '5' } } });
const count = Number(values.count);
const passes = Number(values.passes);

const tmp = await createTempDir('simclr-bench-thumbs-');
try {
  const root = path.join(tmp.path, 'images');
  // Nested two deep, as labelled datasets are: realpath walks every component.
  await forEachConcurrent(Array.from({ length: count }, (_, i) => i), 4, async (i) => {
    await writeImage(path.join(root, `class-${i % 10}`, `img-${i}.png`), { width: 16, height: 16, format: 'png', seed: i });
  });
  const studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false });
  try {
    const { datasetId, images } = await studio.api.addDataset({ path: root });
    if (images !== count) throw new Error(`expected ${count} images, catalogued ${images}`);
    const made = await studio.thumbnails.prefetchDataset(datasetId);
    if (made !== count) throw new Error(`expected ${count} thumbnails made by the first pass, made ${made}`);
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    for (let p = 0; p < passes; p++) {
      const cpu = process.threadCpuUsage();
      const start = performance.now();
      const again = await studio.thumbnails.prefetchDataset(datasetId);
      wallMs.push(performance.now() - start);
      const used = process.threadCpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
      if (again !== 0) throw new Error(`a cached pass made ${again} thumbnails`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      JSON.stringify({
        count,
        passes,
        cached_pass_ms_median: Math.round(median(wallMs)),
        cached_pass_ms_all: wallMs.map(Math.round),
        us_per_image_median: Math.round((median(wallMs) * 1000) / count),
        main_thread_cpu_ms_median: Math.round(median(cpuMs)),
        loadavg_1m: os.loadavg()[0]!.toFixed(2),
      }),
    );
  } finally {
    await studio.close();
  }
} finally {
  await tmp.remove();
}
