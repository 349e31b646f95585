// The explorer on the smallest datasets (issue 5, bad input): one image and two images.
// The map still gets coordinates, neighbours/duplicates/outliers are empty or trivial,
// label accuracy explains why it is not available. Uses the random encoder of the run's
// architecture, which needs no trained checkpoint (one image cannot be trained on).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeImage } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

let tmp: TempDir;
let studio: Studio;

before(async () => {
  tmp = await createTempDir('simclr-explorer-small-');
  studio = await createStudio({ dataDir: path.join(tmp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, imageWorker: false, trainingBackend: 'wasm' });
});
after(async () => {
  await studio?.close();
  await tmp.remove();
});

/**
 * A dataset of `count` images and a run on it. Training refuses one image, so the
 * one-image dataset is a two-image one that lost an image at a re-scan.
 */
async function runOn(count: number): Promise<number> {
  const folder = path.join(tmp.path, `photos-${count}`);
  for (let i = 0; i < 2; i++) await writeImage(path.join(folder, `img-${i}.png`), { width: 20, height: 20, format: 'png', seed: 10 + i });
  const { datasetId } = await studio.api.addDataset({ path: folder });
  const experiment = await studio.api.createExperiment({ datasetId, name: `n${count}`, config: { ...TINY_RUN_CONFIG, batchSize: 2, projectionOutputDim: 8 } });
  const run = await studio.api.startRun({ experimentId: experiment.id });
  await studio.api.cancelRun({ runId: run.id }).catch(() => undefined); // the random encoder is explored: no training needed
  if (count === 1) {
    await fs.rm(path.join(folder, 'img-1.png'));
    assert.equal((await studio.api.rescanDataset({ datasetId })).images, 1);
  }
  return run.id;
}

for (const count of [1, 2]) {
  test(`${count} image(s): embeddings, both maps, neighbours, duplicates, outliers, labels`, async () => {
    const runId = await runOn(count);
    const set = await studio.api.computeEmbeddings({ runId, encoder: 'random' });
    assert.equal(set.count, count);
    for (const method of ['pca', 'umap'] as const) {
      const map = await studio.api.getProjection({ setId: set.id, method });
      assert.equal(map.coordinates.length, 2 * count);
      assert.ok(map.coordinates.every(Number.isFinite));
      if (count === 1) assert.deepEqual(map.coordinates, [0, 0]);
      else assert.ok(Math.abs(Math.hypot(map.coordinates[0]! - map.coordinates[2]!, map.coordinates[1]! - map.coordinates[3]!) - 2) < 1e-5);
    }
    const page = await studio.api.listImages({ datasetId: set.datasetId, offset: 0, limit: 10 });
    const nn = await studio.api.getNeighbours({ setId: set.id, imageId: page.images[0]!.id, k: 5 });
    assert.equal(nn.neighbours.length, count - 1);
    const duplicates = await studio.api.listDuplicates({ setId: set.id, threshold: -1 });
    assert.equal(duplicates.pairs.length, count === 2 ? 1 : 0);
    assert.equal((await studio.api.listOutliers({ setId: set.id, count: 5 })).length, count === 2 ? 2 : 0);
    const labels = await studio.api.evaluateLabels({ setId: set.id });
    assert.equal(labels.available, false);
    if (!labels.available) assert.match(labels.reason, /sub-folders do not look like labels: .*directly in the folder/);
  });
}
