// Training checkpoints: everything needed to continue a run exactly where it stopped
// (nanoGPT-style): the weights of the encoder f and the projection head g (including
// batch-norm moving statistics), the optimiser's state, the step and epoch, the state
// of the augmentation RNG, the resolved config and the identity of the dataset.
//
// One self-checking binary file, so it is written atomically in one rename:
//   "SIMCLRCK" · uint32 LE format version · uint32 LE header length · header (UTF-8
//   JSON, space-padded to 4 bytes) · tensor payload (float32 / int32, little-endian)
//   · uint32 LE CRC-32 of everything before it.
// A file with another magic is "not a checkpoint"; a bad CRC or length is "damaged";
// a newer version is refused. None of them is ever overwritten by the loader.
import type * as tf from '@tensorflow/tfjs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { errorMessage } from '../../main/error-message.ts';
import { type AtomicWriteOptions, writeFileAtomic } from '../files.ts';
import type { TrainConfig } from './config.ts';
import type { RngState } from './rng.ts';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 'SIMCLRCK';
const PREAMBLE = MAGIC.length + 8;

export type TensorGroup = 'encoder' | 'head' | 'optimizer';
const GROUPS: readonly TensorGroup[] = ['encoder', 'head', 'optimizer'];

export interface StoredTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Float32Array | Int32Array;
}

export interface CheckpointMeta {
  /** Optimiser steps done in the whole run. */
  readonly step: number;
  /** 0-based epoch the NEXT step belongs to. */
  readonly epoch: number;
  /** Steps of that epoch already done (0 at an epoch boundary). */
  readonly stepInEpoch: number;
  readonly rngState: RngState;
  readonly config: TrainConfig;
  readonly dataset: { readonly fingerprint: string; readonly size: number };
  readonly backend: string;
  readonly lastLoss: number | null;
}

export interface Checkpoint extends CheckpointMeta {
  readonly tensors: Readonly<Record<TensorGroup, readonly StoredTensor[]>>;
}

interface HeaderTensor {
  group: TensorGroup;
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

interface Header extends CheckpointMeta {
  format: 'simclr-studio-checkpoint';
  savedAt: string;
  tensors: HeaderTensor[];
}

/** A checkpoint that cannot be used (foreign, damaged, newer): the message says which and why. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** The newest checkpoint of a run. */
export function lastCheckpointPath(runDir: string): string {
  return path.join(runDir, 'checkpoints', 'last.ckpt');
}

/** The checkpoint kept for every K-th epoch (1-based epoch number in the name). */
export function epochCheckpointPath(runDir: string, epochsDone: number): string {
  return path.join(runDir, 'checkpoints', `epoch-${String(epochsDone).padStart(4, '0')}.ckpt`);
}

/** Copies a list of named tensors out of the backend (synchronously; call between steps). */
export function storeTensors(named: readonly { name: string; tensor: tf.Tensor }[]): StoredTensor[] {
  return named.map(({ name, tensor }) => {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') throw new Error(`checkpoint: tensor ${name} has unsupported dtype ${tensor.dtype}`);
    return { name, shape: tensor.shape.slice(), dtype: tensor.dtype, data: tensor.dataSync() as Float32Array | Int32Array };
  });
}

/** The weights of a LayersModel (trainable and batch-norm statistics), in model.weights order. */
export function storeModelWeights(model: tf.LayersModel): StoredTensor[] {
  const tensors = model.getWeights();
  return storeTensors(model.weights.map((w, i) => ({ name: w.originalName ?? w.name, tensor: tensors[i]! })));
}

/**
 * Writes the weights back into a model built from the same config, checking each
 * weight's position, name (layer name + '/' + weight name, stable across processes) and shape.
 */
export function restoreModelWeights(tfjs: typeof tf, model: tf.LayersModel, stored: readonly StoredTensor[], what: string): void {
  const weights = model.weights;
  if (weights.length !== stored.length) {
    throw new CheckpointError(`${what}: the checkpoint holds ${stored.length} weight tensors but the model has ${weights.length}`);
  }
  weights.forEach((w, i) => {
    const s = stored[i]!;
    const name = w.originalName ?? w.name;
    if (name !== s.name) throw new CheckpointError(`${what}: weight ${i} is '${s.name}' in the checkpoint but '${name}' in the model`);
    if (w.shape.length !== s.shape.length || w.shape.some((d, j) => d !== s.shape[j])) {
      throw new CheckpointError(`${what}: weight ${i} (${s.name}) has shape [${s.shape}] in the checkpoint but [${w.shape}] in the model`);
    }
  });
  const tensors = stored.map((s) => tfjs.tensor(s.data, s.shape as number[], s.dtype));
  model.setWeights(tensors);
  tfjs.dispose(tensors);
}

/** Serialises a checkpoint to its bytes (header, payload, CRC). */
export function encodeCheckpoint(checkpoint: Checkpoint, savedAt = new Date()): Uint8Array {
  const index: HeaderTensor[] = [];
  let offset = 0;
  for (const group of GROUPS) {
    for (const t of checkpoint.tensors[group]) {
      const expected = t.shape.reduce((a, b) => a * b, 1);
      if (t.data.length !== expected) throw new Error(`checkpoint: tensor ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
      index.push({ group, name: t.name, shape: [...t.shape], dtype: t.dtype, offset, length: t.data.length });
      offset += t.data.byteLength;
    }
  }
  const { tensors: _tensors, ...meta } = checkpoint;
  const header: Header = { format: 'simclr-studio-checkpoint', ...meta, savedAt: savedAt.toISOString(), tensors: index };
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((4 - (Buffer.byteLength(headerText) % 4)) % 4);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const out = new Uint8Array(PREAMBLE + headerBytes.length + offset + 4);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  view.setUint32(MAGIC.length, CHECKPOINT_VERSION, true);
  view.setUint32(MAGIC.length + 4, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE);
  let at = PREAMBLE + headerBytes.length;
  for (const group of GROUPS) {
    for (const t of checkpoint.tensors[group]) {
      // Typed arrays are host-endian; every platform Node ships for is little-endian.
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
      at += t.data.byteLength;
    }
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** Parses and verifies checkpoint bytes; `source` names the file in error messages. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  if (bytes.length < PREAMBLE + 4 || Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC) {
    throw new CheckpointError(`${source} is not a SimCLR Studio checkpoint (it does not start with ${MAGIC})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version > CHECKPOINT_VERSION) {
    throw new CheckpointError(`${source} was written by a newer SimCLR Studio (checkpoint format ${version}; this version reads up to ${CHECKPOINT_VERSION})`);
  }
  const end = bytes.length - 4;
  if (view.getUint32(end, true) !== crc32(bytes.subarray(0, end))) {
    throw new CheckpointError(`${source} is damaged (checksum mismatch: the file is truncated or was modified)`);
  }
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)).toString('utf8')) as Header;
  } catch {
    throw new CheckpointError(`${source} is damaged (its header is not valid JSON)`);
  }
  if (header.format !== 'simclr-studio-checkpoint' || !Array.isArray(header.tensors) || !header.config) {
    throw new CheckpointError(`${source} is not a SimCLR Studio checkpoint (unknown header format)`);
  }
  const payloadStart = PREAMBLE + headerLength;
  const tensors: Record<TensorGroup, StoredTensor[]> = { encoder: [], head: [], optimizer: [] };
  for (const t of header.tensors) {
    const start = payloadStart + t.offset;
    const byteLength = t.length * 4;
    if (start + byteLength > end || !GROUPS.includes(t.group)) throw new CheckpointError(`${source} is damaged (tensor ${t.name} lies outside the file)`);
    // Copy: the payload offset need not be aligned for a typed-array view.
    const raw = bytes.slice(start, start + byteLength);
    const data = t.dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    tensors[t.group].push({ name: t.name, shape: t.shape, dtype: t.dtype, data });
  }
  const { format: _format, savedAt: _savedAt, tensors: _index, ...meta } = header;
  return { ...meta, tensors };
}

/** Writes a checkpoint atomically: the previous file at `target` survives any failure. */
export async function saveCheckpoint(target: string, checkpoint: Checkpoint, options: AtomicWriteOptions = {}): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, encodeCheckpoint(checkpoint), options);
}

export async function readCheckpoint(file: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(code === 'ENOENT' ? `no checkpoint at ${file}` : `cannot read checkpoint ${file}: ${errorMessage(error)}`);
  }
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}
