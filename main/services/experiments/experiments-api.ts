// The experiments' and training's part of the API (contract-experiments.ts), on the
// services. Composition only: validation and state live in the services.
import type { ExperimentsApi } from '../../api/contract-experiments.ts';
import { augmentationPreview } from '../training/augmentation-preview.ts';
import { datasetImages, type TrainingDatasets } from '../training/run-images.ts';
import { isGpu, runtimeInfo } from '../training/runtime-info.ts';
import type { TrainingService } from '../training/training-service.ts';
import type { WorkerHost } from '../worker-host/worker-host.ts';
import { type ExperimentsService, validConfig } from './experiments-service.ts';
import { datasetShape, suggestPresetList } from './presets.ts';

export interface ExperimentsApiDeps {
  readonly experiments: ExperimentsService;
  readonly training: TrainingService;
  readonly host: WorkerHost;
  readonly datasets: TrainingDatasets;
  readonly pixelCacheDir: string;
}

export function createExperimentsApi(deps: ExperimentsApiDeps): ExperimentsApi {
  const { experiments, training, host, datasets } = deps;
  return {
    async getRuntimeInfo() {
      // Starts the worker if needed: the backend is known only once it has chosen.
      const ready = await host.whenReady().catch(() => undefined);
      return runtimeInfo(ready, host.restarts);
    },
    async suggestPresets({ datasetId }) {
      datasets.datasetRoot(datasetId); // names an unknown dataset
      const shape = datasetShape(datasetImages(datasets, datasetId));
      const ready = await host.whenReady().catch(() => undefined);
      return {
        datasetId,
        imageCount: shape.imageCount,
        medianWidth: shape.medianWidth,
        medianHeight: shape.medianHeight,
        backend: ready?.backend ?? null,
        presets: suggestPresetList(shape, ready?.backend ?? null, ready ? isGpu(ready) : false),
      };
    },
    async listExperiments({ datasetId }) {
      return experiments.list(datasetId);
    },
    async getExperiment({ experimentId }) {
      return experiments.get(experimentId);
    },
    async createExperiment(input) {
      return experiments.create({ ...input, notes: input.notes ?? '' });
    },
    async updateExperiment(input) {
      return experiments.update(input);
    },
    async deleteExperiment({ experimentId }) {
      await experiments.delete(experimentId);
    },
    async startRun({ experimentId, resume }) {
      return training.startRun(experimentId, resume ?? false);
    },
    async pauseRun({ runId }) {
      return training.pauseRun(runId);
    },
    async resumeRun({ runId }) {
      return training.resumeRun(runId);
    },
    async cancelRun({ runId }) {
      return training.cancelRun(runId);
    },
    async getRunMetrics({ runId, afterStep }) {
      return training.getRunMetrics(runId, afterStep ?? 0);
    },
    async previewAugmentations({ datasetId, count, seed, config }) {
      return augmentationPreview(host, datasets, deps.pixelCacheDir, { datasetId, count: count ?? 4, seed: seed ?? 0, config: validConfig(config ?? {}) });
    },
  };
}
