// Trains a tiny run through the API (the calls the renderer makes) and waits for its end:
// the set-up of the browser tests that need a finished run (explorer, keyboard, …).
import type { StudioBridge } from '../../main/api/bridge.ts';
import type { RunStatus, RunStatusChange } from '../../main/api/contract.ts';

/**
 * The smallest run that really trains: 16 px, width 0.125, batch 4, one epoch. Other
 * tests spread it and override only what they need (a seed, more epochs, a batch of 2).
 */
export const TINY_RUN_CONFIG = { imageSize: 16, width: 0.125, batchSize: 4, epochs: 1, projectionOutputDim: 16 } as const;

const ENDED: readonly RunStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface TinyRunOptions {
  datasetId: number;
  name: string;
  /** Settings over TINY_RUN_CONFIG (e.g. a seed). */
  config?: Record<string, unknown>;
}

/**
 * Creates an experiment on the dataset, starts its run and resolves with the run's last
 * status change once it ended (done, failed, cancelled or interrupted): the caller
 * asserts it is 'done'. Listens before starting, so an end reported before startRun
 * answers is not missed.
 */
export async function trainTinyRun(
  api: Pick<StudioBridge, 'createExperiment' | 'startRun' | 'onRunStatusChanged'>,
  options: TinyRunOptions,
): Promise<RunStatusChange> {
  const experiment = await api.createExperiment({ datasetId: options.datasetId, name: options.name, config: { ...TINY_RUN_CONFIG, ...options.config } });
  const ends = new Map<number, RunStatusChange>();
  let runId: number | null = null;
  let finish: (change: RunStatusChange) => void = () => {};
  const finished = new Promise<RunStatusChange>((resolve) => (finish = resolve));
  const unsubscribe = api.onRunStatusChanged((change) => {
    if (!ENDED.includes(change.status)) return;
    ends.set(change.runId, change);
    if (change.runId === runId) finish(change);
  });
  try {
    runId = (await api.startRun({ experimentId: experiment.id })).id;
    const early = ends.get(runId);
    if (early) finish(early);
    return await finished;
  } finally {
    // The event socket would keep the test process alive after the tests.
    unsubscribe();
  }
}
