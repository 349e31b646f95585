// The mutable state of one training run — networks f and g, optimiser, augmentation
// RNG and position — and its conversion to and from a checkpoint. Created fresh from a
// config, or rebuilt from a checkpoint (same config → same architecture and names).
import type * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../../main/error-message.ts';
import type { TrainConfig } from './config.ts';
import { type Checkpoint, type CheckpointMeta, CheckpointError, restoreModelWeights, storeModelWeights, storeTensors } from './checkpoint.ts';
import { createEncoder, createProjectionHead, encoderOutputDim, trainableVariables } from './model.ts';
import { createOptimizer, type SimclrOptimizer } from './optimizer.ts';
import { createRng, restoreRng, type Rng } from './rng.ts';

export interface TrainingSession {
  readonly config: TrainConfig;
  readonly encoder: tf.LayersModel;
  readonly head: tf.LayersModel;
  readonly optimizer: SimclrOptimizer;
  rng: Rng;
  /** Optimiser steps done. */
  step: number;
  /** 0-based epoch the next step belongs to, and steps of it already done. */
  epoch: number;
  stepInEpoch: number;
  lastLoss: number | null;
}

/** Seeds the augmentation stream apart from the weight initialisers (which use config.seed). */
const AUGMENT_SEED_OFFSET = 0xa09;

export function createSession(config: TrainConfig): TrainingSession {
  const encoder = createEncoder(config);
  const head = createProjectionHead(config, encoderOutputDim(config));
  const optimizer = createOptimizer(config, trainableVariables(encoder, head));
  return { config, encoder, head, optimizer, rng: createRng(config.seed + AUGMENT_SEED_OFFSET), step: 0, epoch: 0, stepInEpoch: 0, lastLoss: null };
}

/** Everything of the session as a checkpoint (tensor values copied out of the backend). */
export function sessionCheckpoint(
  tfjs: typeof tf,
  session: TrainingSession,
  extra: Pick<CheckpointMeta, 'dataset' | 'backend'>,
): Checkpoint {
  const state = session.optimizer.getState();
  try {
    return {
      step: session.step,
      epoch: session.epoch,
      stepInEpoch: session.stepInEpoch,
      rngState: session.rng.state(),
      config: session.config,
      lastLoss: session.lastLoss,
      ...extra,
      tensors: { encoder: storeModelWeights(session.encoder), head: storeModelWeights(session.head), optimizer: storeTensors(state) },
    };
  } finally {
    tfjs.dispose(state.map((s) => s.tensor));
  }
}

/** A session continuing exactly where the checkpoint stopped. `source` names the file in errors. */
export function restoreSession(tfjs: typeof tf, checkpoint: Checkpoint, source: string): TrainingSession {
  const session = createSession(checkpoint.config);
  try {
    restoreModelWeights(tfjs, session.encoder, checkpoint.tensors.encoder, `${source} (encoder)`);
    restoreModelWeights(tfjs, session.head, checkpoint.tensors.head, `${source} (projection head)`);
    tfjs.tidy(() => {
      const state = checkpoint.tensors.optimizer.map((s) => ({ name: s.name, tensor: tfjs.tensor(s.data, s.shape as number[], s.dtype) }));
      try {
        session.optimizer.setState(state);
      } catch (error) {
        throw new CheckpointError(`${source}: ${errorMessage(error)}`);
      }
    });
    session.rng = restoreRng(checkpoint.rngState);
  } catch (error) {
    disposeSession(session);
    throw error;
  }
  session.step = checkpoint.step;
  session.epoch = checkpoint.epoch;
  session.stepInEpoch = checkpoint.stepInEpoch;
  session.lastLoss = checkpoint.lastLoss;
  return session;
}

/** The encoder alone, rebuilt from a checkpoint (for embedding and evaluation). */
export function encoderFromCheckpoint(tfjs: typeof tf, checkpoint: Checkpoint, source: string): tf.LayersModel {
  const encoder = createEncoder(checkpoint.config);
  try {
    restoreModelWeights(tfjs, encoder, checkpoint.tensors.encoder, `${source} (encoder)`);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return encoder;
}

export function disposeSession(session: TrainingSession): void {
  session.optimizer.dispose();
  session.encoder.dispose();
  session.head.dispose();
}
