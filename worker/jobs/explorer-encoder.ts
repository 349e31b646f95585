// The encoder f an embedding job runs: a run's checkpoint, or a random-initialised
// encoder of the same architecture (the explorer's "before" view: config.seed fixes the
// initial weights, so "random" is the same network every time). Shared by the embed
// job, the encoder export and the neighbours CLI.
import type * as tf from '@tensorflow/tfjs';
import { readCheckpoint } from '../simclr/checkpoint.ts';
import type { TrainConfig } from '../simclr/config.ts';
import { createEncoder } from '../simclr/model.ts';
import { encoderFromCheckpoint } from '../simclr/trainer-session.ts';

export type EncoderSource =
  | { readonly kind: 'checkpoint'; readonly path: string }
  | { readonly kind: 'random'; readonly config: TrainConfig };

export interface LoadedEncoder {
  readonly encoder: tf.LayersModel;
  readonly config: TrainConfig;
  /** Optimiser steps of the checkpoint (0 for a random encoder). */
  readonly step: number;
}

/**
 * Throws CheckpointError (missing, damaged, foreign file, or weights that do not fit
 * the architecture its config describes) with the file named.
 */
export async function loadEncoder(tfjs: typeof tf, source: EncoderSource): Promise<LoadedEncoder> {
  if (source.kind === 'random') return { encoder: createEncoder(source.config), config: source.config, step: 0 };
  const checkpoint = await readCheckpoint(source.path);
  return { encoder: encoderFromCheckpoint(tfjs, checkpoint, source.path), config: checkpoint.config, step: checkpoint.step };
}
