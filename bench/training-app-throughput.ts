// Training through the app (issue 4): a run started with the API on a generated folder,
// trained in the one worker thread, progress relayed and stored by main. Prints the
// engine's images/s, the wall time from startRun to done split into preparation and
// training, the progress events per second the renderer would get, the rows stored, and
// the main thread's longest event-loop block while training (the UI must stay fluid).
// Prints numbers; asserts nothing.
//
//   node_modules/.bin/node bench/training-app-throughput.ts [--images 64] [--image-size 32] [--batch 16] [--epochs 2] [--backend wasm]
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunProgress, RunStatusChange } from '../main/api/contract.ts';
import { createStudio } from '../main/services/studio.ts';
import type { BackendPreference } from '../worker/backend.ts';
import { createTempDir, writeLabelledFolder } from '../test/helpers/image-fixtures.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '64' },
    'image-size': { type: 'string', default: '32' },
    batch: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '2' },
    width: { type: 'string', default: '0.25' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const images = Number(values.images);
const config = { imageSize: Number(values['image-size']), batchSize: Number(values.batch), epochs: Number(values.epochs), width: Number(values.width), seed: 1 };

const tmp = await createTempDir('simclr-bench-training-');
try {
  const folder = path.join(tmp.path, 'images');
  await writeLabelledFolder(folder, { classes: { a: Math.ceil(images / 2), b: Math.floor(images / 2) }, size: Math.max(config.imageSize, 48), format: 'jpeg' });
  const studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, trainingBackend: values.backend as BackendPreference });
  try {
    const { datasetId } = await studio.api.addDataset({ path: folder });
    const runtime = await studio.api.getRuntimeInfo({});
    const experiment = await studio.api.createExperiment({ datasetId, name: 'bench', config });
    const events: { at: number; progress: RunProgress }[] = [];
    studio.events.on('runProgress', (progress) => events.push({ at: performance.now(), progress }));
    const done = new Promise<RunStatusChange>((resolve) =>
      studio.events.on('runStatusChanged', (s) => (s.status === 'done' || s.status === 'failed' || s.status === 'cancelled') && resolve(s)),
    );
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const start = performance.now();
    const run = await studio.api.startRun({ experimentId: experiment.id });
    const end = await done;
    const wall = (performance.now() - start) / 1000;
    loop.disable();
    if (end.status !== 'done') throw new Error(`the run ${end.status}: ${end.reason}`);

    const firstTraining = events.find((e) => e.progress.phase === 'training' && e.progress.latest)?.at ?? start;
    const trainingEvents = events.filter((e) => e.at >= firstTraining);
    const trainingSeconds = (performance.now() - firstTraining) / 1000;
    const detail = (await studio.api.getExperiment({ experimentId: experiment.id })).runs[0]!;
    const metrics = await studio.api.getRunMetrics({ runId: run.id });
    console.log(`backend              ${runtime.backend} (${runtime.detail})`);
    console.log(`config               ${images} images, ${config.imageSize} px, batch ${config.batchSize}, ${config.epochs} epochs, ResNet-18 ×${config.width}`);
    console.log(`steps                ${detail.step}`);
    console.log(`wall time            ${wall.toFixed(2)} s (start → done), of which preparing + first step ${((firstTraining - start) / 1000).toFixed(2)} s`);
    console.log(`engine images/s      ${(detail.imagesPerSecond ?? 0).toFixed(2)} (smoothed over steps)`);
    console.log(`epoch images/s       ${metrics.epochs.map((e) => e.imagesPerSecond.toFixed(2)).join(', ')}`);
    console.log(`progress events/s    ${(trainingEvents.length / Math.max(trainingSeconds, 1e-9)).toFixed(2)} while training (${events.length} events)`);
    console.log(`rows stored          ${metrics.steps.length} step + ${metrics.epochs.length} epoch`);
    console.log(`main loop max block  ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
  } finally {
    await studio.close();
  }
} finally {
  await tmp.remove();
}
