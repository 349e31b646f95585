// Which encoder an embedding set uses, resolved from the run: the file of its chosen
// checkpoint (refused clearly when the run has none yet), or a random encoder of the
// run's architecture. The stamp (size and mtime of the checkpoint file) tells whether
// stored rows came from the same file: 'last' moves on while a run trains.
import fs from 'node:fs/promises';
import type { EmbeddingEncoderKind } from '../../api/contract.ts';
import type { TrainConfig } from '../../../worker/simclr/config.ts';
import type { EncoderSource } from '../../../worker/jobs/explorer-encoder.ts';
import { epochCheckpointPath, lastCheckpointPath } from '../../../worker/simclr/checkpoint.ts';
import type { CheckpointChoice } from './embedding-catalogue.ts';
import { ExplorerError } from './explorer-errors.ts';

/** What the explorer needs to know about a run (supplied by the experiments part). */
export interface ExplorerRun {
  readonly runId: number;
  readonly datasetId: number;
  /** Absolute path of the dataset's folder. */
  readonly datasetRoot: string;
  /** The run's directory: checkpoints/ inside (worker/simclr/checkpoint.ts). */
  readonly runDir: string;
  /** The experiment's resolved config: the architecture of a random encoder. */
  readonly config: TrainConfig;
}

export interface ExplorerRuns {
  /** Throws ExplorerError when the run does not exist. */
  get(runId: number): ExplorerRun;
}

export interface ResolvedEncoder {
  readonly source: EncoderSource;
  readonly stamp: string;
}

export async function resolveEncoder(run: ExplorerRun, encoder: EmbeddingEncoderKind, checkpoint: CheckpointChoice): Promise<ResolvedEncoder> {
  if (encoder === 'random') return { source: { kind: 'random', config: run.config }, stamp: `random:${run.config.seed}` };
  const file = checkpoint === 'last' ? lastCheckpointPath(run.runDir) : epochCheckpointPath(run.runDir, checkpoint);
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) {
    throw new ExplorerError(
      checkpoint === 'last'
        ? `run ${run.runId} has no checkpoint yet (${file}): train it for at least one epoch, then explore`
        : `run ${run.runId} has no checkpoint for epoch ${checkpoint} (${file}): only some epochs keep one`,
    );
  }
  return { source: { kind: 'checkpoint', path: file }, stamp: `${stat.size}:${stat.mtimeMs}` };
}
