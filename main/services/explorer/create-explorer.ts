// Composition of the explorer for createStudio: its service on the catalogue, the runs
// of the experiments' tables, and the jobs of the one worker host. Returns the API part
// and what the studio must call when the library changes or the app closes.
import type { EmbeddingProgress, ExplorerApi, ProjectionProgress } from '../../api/contract.ts';
import type { Db } from '../../db/open.ts';
import { pixelCacheDir } from '../../data-dir.ts';
import type { WorkerHost } from '../worker-host/worker-host.ts';
import { createExplorerApi } from './explorer-api.ts';
import { ExplorerService } from './explorer-service.ts';
import { SqlExplorerRuns } from './run-lookup.ts';

export interface ExplorerParts {
  readonly api: ExplorerApi;
  readonly service: ExplorerService;
  /** Call after a scan: rows may have become stale, drop what is held in memory. */
  invalidate(): void;
  close(): void;
}

export interface CreateExplorerOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly host: WorkerHost;
  readonly onEmbeddingProgress: (progress: EmbeddingProgress) => void;
  readonly onProjectionProgress: (progress: ProjectionProgress) => void;
}

export async function createExplorer(options: CreateExplorerOptions): Promise<ExplorerParts> {
  const { host } = options;
  const runs = new SqlExplorerRuns(options.db);
  const service = new ExplorerService({
    db: options.db,
    dataDir: options.dataDir,
    pixelCacheDir: pixelCacheDir(options.dataDir),
    runs,
    embed: (request, { onProgress, signal }) => host.run('embed', request, { onProgress, signal }),
    // A dropped image should not wait for a training run to end: sent as an interactive
    // job; the worker runs a one-image embed between two training steps (runsInteractively).
    embedQuery: (request, { onProgress, signal }) => host.run('embed', request, { onProgress, signal, interactive: true }),
    project: (request, { onProgress }) => host.run('project', request, { onProgress }),
    graph: (request, { onProgress }) => host.run('neighbour-graph', request, { onProgress }),
    onEmbeddingProgress: options.onEmbeddingProgress,
    onProjectionProgress: options.onProjectionProgress,
  });
  await service.recoverAtStart();
  const api = createExplorerApi({ service, runs, exportEncoder: (request) => host.run('export-encoder', request) });
  return { api, service, invalidate: () => service.invalidate(), close: () => service.close() };
}
