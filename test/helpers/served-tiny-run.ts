// The set-up the explorer browser tests share: a `simclr-studio serve` on a generated
// labelled folder, that folder added through the page's own web client, and a tiny run
// trained on it to its end.
import path from 'node:path';
import type { StudioBridge } from '../../main/api/bridge.ts';
import type { RunStatusChange } from '../../main/api/contract.ts';
import { createWebClient } from '../../renderer/lib/web-client.ts';
import { writeLabelledFolder, type LabelledFolderOptions, type TempDir } from './image-fixtures.ts';
import { startServe, type ServeProcess } from './serve.ts';
import { trainTinyRun } from './tiny-run.ts';

export interface ServedTinyRun {
  readonly serve: ServeProcess;
  /** The web client the renderer uses, from Node: the same calls the page makes. */
  readonly api: StudioBridge;
  /** The generated folder (`<temp>/photos`) and its images' relative paths. */
  readonly photos: string;
  readonly relPaths: string[];
  readonly datasetId: number;
  /** How the run ended: the caller asserts it is 'done'. */
  readonly outcome: RunStatusChange;
}

/**
 * Writes `folder` as `<temp>/photos`, starts the server on `<temp>/data`, adds the folder and
 * trains a tiny run named `runName` (TINY_RUN_CONFIG over `config`). If a step after the
 * start fails, the server is stopped before the error is passed on (the caller never got it).
 */
export async function serveTinyRun(temp: TempDir, folder: LabelledFolderOptions, runName: string, config: Record<string, unknown>): Promise<ServedTinyRun> {
  const photos = path.join(temp.path, 'photos');
  const relPaths = await writeLabelledFolder(photos, folder);
  const serve = await startServe({ dataDir: path.join(temp.path, 'data') });
  try {
    const api = createWebClient({ origin: serve.origin, token: serve.token });
    const datasetId = (await api.addDataset({ path: photos })).datasetId;
    const outcome = await trainTinyRun(api, { datasetId, name: runName, config });
    return { serve, api, photos, relPaths, datasetId, outcome };
  } catch (error) {
    await serve.stop();
    throw error;
  }
}
