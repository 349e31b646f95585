// The explorer's methods of the API contract, implemented on the ExplorerService. Input
// has been validated by the contract's schemas (dispatch.ts) before it gets here.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExplorerApi } from '../../api/contract.ts';
import type { ExportEncoderJobRequest, ExportEncoderJobResult } from '../../../worker/jobs/explorer-export-encoder-job.ts';
import { ExplorerError } from './explorer-errors.ts';
import { exportEmbeddings, exportNeighbours, exportProjection, exportSelection, type ExportContext } from './explorer-exports.ts';
import type { ExplorerService } from './explorer-service.ts';
import { filesInFolder, prepareEmptyFolder } from './export-targets.ts';
import { evaluateLabels } from './label-accuracy.ts';
import { GRAPH_K } from './neighbour-graph.ts';
import { type ExplorerRuns, resolveEncoder } from './run-encoder.ts';
import { errorMessage } from '../../error-message.ts';

export interface ExplorerApiDeps {
  readonly service: ExplorerService;
  readonly runs: ExplorerRuns;
  /** The worker's 'export-encoder' job. */
  readonly exportEncoder: (request: ExportEncoderJobRequest) => Promise<ExportEncoderJobResult>;
}

export function createExplorerApi({ service, runs, exportEncoder }: ExplorerApiDeps): ExplorerApi {
  const exportContext = async (setId: number): Promise<ExportContext> => {
    const loaded = await service.loaded(setId);
    return { loaded, files: service.files, datasetRoot: runs.get(loaded.set.runId).datasetRoot };
  };
  return {
    async computeEmbeddings({ runId, checkpoint = 'last', encoder = 'trained' }) {
      return service.compute(runId, encoder, checkpoint);
    },
    async cancelEmbeddings({ runId }) {
      service.cancel(runId);
    },
    async listEmbeddingSets({ runId }) {
      return service.list(runId);
    },
    async getProjection({ setId, method, seed = 42 }) {
      return service.projection(setId, method, seed);
    },
    async getNeighbours({ setId, imageId, k = 12 }) {
      return service.neighbours(setId, imageId, k);
    },
    async findNeighboursOfFile({ setId, path, bytesBase64, name, k = 12 }) {
      return service.neighboursOfFile(setId, { path, bytesBase64, name, k });
    },
    async listDuplicates({ setId, threshold = 0.95, limit = 500 }) {
      return service.duplicates(setId, threshold, limit);
    },
    async listOutliers({ setId, count = 50, k = 5 }) {
      return service.outliers(setId, count, k);
    },
    async evaluateLabels({ setId, k = 20 }) {
      return evaluateLabels(await service.loaded(setId), k);
    },
    async exportEmbeddings({ setId, format, path }) {
      return exportEmbeddings(await exportContext(setId), format, path);
    },
    async exportNeighbours({ setId, k = 10, format, path }) {
      const ctx = await exportContext(setId);
      return exportNeighbours(ctx, k, format, path, k <= GRAPH_K ? await service.graph(setId) : undefined);
    },
    async exportSelection(input) {
      const target = 'copyTo' in input ? { copyTo: input.copyTo } : { csv: input.path };
      return exportSelection(await exportContext(input.setId), input.imageIds, target);
    },
    async exportProjection({ setId, method, seed = 42, path }) {
      const ctx = await exportContext(setId);
      return exportProjection(ctx, await service.projection(setId, method, seed), path);
    },
    async exportEncoder({ runId, checkpoint = 'last', path: target }) {
      const resolved = await resolveEncoder(runs.get(runId), 'trained', checkpoint);
      const dir = await prepareEmptyFolder(target);
      try {
        await exportEncoder({ encoder: resolved.source, dir });
      } catch (error) {
        // Leave no half-written model behind in the folder we created or emptied-checked.
        for (const name of await fs.readdir(dir).catch(() => [])) await fs.rm(path.join(dir, name), { force: true });
        throw error instanceof ExplorerError ? error : new ExplorerError(`exporting the encoder of run ${runId} failed: ${errorMessage(error)}`);
      }
      return { files: await filesInFolder(dir) };
    },
  };
}
