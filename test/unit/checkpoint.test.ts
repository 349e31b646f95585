// Checkpoint files: round trip, refusal of foreign / damaged / newer files, and the
// previous checkpoint surviving a write that fails part-way (a full disk).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTrainConfig } from '../../worker/simclr/config.ts';
import {
  type Checkpoint,
  CHECKPOINT_VERSION,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  saveCheckpoint,
} from '../../worker/simclr/checkpoint.ts';

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-ckpt-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function sample(step: number): Checkpoint {
  return {
    step,
    epoch: 1,
    stepInEpoch: 2,
    rngState: [1, 2, 3, 4294967295],
    config: resolveTrainConfig({ imageSize: 16, batchSize: 4 }),
    dataset: { fingerprint: 'abc', size: 9 },
    backend: 'cpu',
    lastLoss: 1.25,
    tensors: {
      encoder: [{ name: 'conv/kernel', shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, step]) }],
      head: [{ name: 'dense/bias', shape: [3], dtype: 'float32', data: Float32Array.from([-1, 0.5, 1e-7]) }],
      optimizer: [{ name: 'iterations', shape: [], dtype: 'int32', data: Int32Array.from([step]) }],
    },
  };
}

describe('checkpoint format', () => {
  test('round-trips every field and tensor exactly', async () => {
    const file = path.join(dir, 'rt.ckpt');
    await saveCheckpoint(file, sample(7));
    const back = await readCheckpoint(file);
    const original = sample(7);
    assert.deepEqual({ ...back, tensors: undefined }, { ...original, tensors: undefined });
    assert.deepEqual(back.tensors, original.tensors);
  });

  test('refuses a foreign file and names it', async () => {
    const file = path.join(dir, 'foreign.ckpt');
    await fs.writeFile(file, '{"this": "is json, not a checkpoint"}');
    await assert.rejects(readCheckpoint(file), (e: Error) => e instanceof CheckpointError && e.message.includes(file) && /not a SimCLR Studio checkpoint/.test(e.message));
  });

  test('refuses a truncated or bit-flipped file as damaged', () => {
    const bytes = encodeCheckpoint(sample(1));
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 9), 'cut.ckpt'), /cut.ckpt is damaged/);
    const flipped = bytes.slice();
    flipped[flipped.length - 10]! ^= 0x01;
    assert.throws(() => decodeCheckpoint(flipped, 'flip.ckpt'), /flip.ckpt is damaged \(checksum/);
  });

  test('refuses a checkpoint from a newer format version', () => {
    const bytes = encodeCheckpoint(sample(1));
    new DataView(bytes.buffer).setUint32(8, CHECKPOINT_VERSION + 1, true);
    assert.throws(() => decodeCheckpoint(bytes, 'new.ckpt'), /newer SimCLR Studio/);
  });

  test('a missing file is reported as such', async () => {
    await assert.rejects(readCheckpoint(path.join(dir, 'none.ckpt')), /no checkpoint at/);
  });
});

describe('atomic writes', () => {
  test('a write that fails half-way (disk full) leaves the previous checkpoint intact and no temp file', async () => {
    const sub = path.join(dir, 'full');
    const file = path.join(sub, 'last.ckpt');
    await saveCheckpoint(file, sample(1));
    const before = await fs.readFile(file);
    let written = 0;
    const failingDisk = async (handle: fs.FileHandle, chunk: Uint8Array) => {
      const half = chunk.subarray(0, Math.floor(chunk.length / 2));
      await handle.write(half);
      written += half.length;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await assert.rejects(saveCheckpoint(file, sample(2), { writeChunk: failingDisk }), /could not write .*last.ckpt: ENOSPC/);
    assert.ok(written > 0, 'the failing writer really wrote part of the file');
    assert.deepEqual(await fs.readFile(file), before);
    assert.equal((await readCheckpoint(file)).step, 1);
    assert.deepEqual(await fs.readdir(sub), ['last.ckpt']);
  });
});
