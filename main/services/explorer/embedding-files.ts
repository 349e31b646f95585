// The float32 files that hold an embedding set's vectors, beside the database in
// <data dir>/embeddings: raw little-endian float32, [rows, dim] row-major, no header
// (the dimension and row meaning are in SQLite). Written atomically (worker/files.ts);
// each generation of a set gets a new name, so a crash between writing the file and
// committing the rows that point into it leaves an unreferenced file, never a mismatch.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../worker/files.ts';
import { ExplorerError } from './explorer-errors.ts';
import { errorMessage } from '../../error-message.ts';

const littleEndianHost = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export class EmbeddingFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'embeddings');
  }

  /** A fresh file name for a new generation of set `setId`. */
  newName(setId: number): string {
    return `set-${setId}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.f32`;
  }

  async write(name: string, data: Float32Array): Promise<void> {
    if (!littleEndianHost) throw new ExplorerError('embeddings are stored little-endian; this big-endian machine is not supported');
    await fs.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** The whole file as [rows, dim]; a length that is not a whole number of rows is "damaged". */
  async read(name: string, dim: number): Promise<{ data: Float32Array; rows: number }> {
    const file = path.join(this.dir, name);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ExplorerError(code === 'ENOENT' ? `the embeddings file ${file} is missing: compute the embeddings again` : `cannot read the embeddings file ${file}: ${errorMessage(error)}`);
    }
    if (dim < 1 || bytes.byteLength % (4 * dim) !== 0) {
      throw new ExplorerError(`the embeddings file ${file} is damaged (${bytes.byteLength} bytes is not a whole number of ${dim}-value rows): compute the embeddings again`);
    }
    const data = float32Of(bytes);
    return { data, rows: data.length / dim };
  }

  /**
   * The cached UMAP coordinates of a generation: named after its file, the seed and a
   * signature of the rows served (a re-scan that leaves rows out changes it).
   */
  projectionName(setFile: string, method: string, seed: number, signature: string): string {
    return `${generationPrefix(setFile)}${method}-${seed}-${signature}.xy`;
  }

  /** [rows, 2] float32, or undefined when absent or of another length. */
  async readProjection(name: string, rows: number): Promise<Float32Array | undefined> {
    const bytes = await fs.readFile(path.join(this.dir, name)).catch(() => undefined);
    if (!bytes || bytes.byteLength !== rows * 2 * 4) return undefined;
    return float32Of(bytes);
  }

  async writeProjection(name: string, xy: Float32Array): Promise<void> {
    await this.write(name, xy);
  }

  /** Deletes a generation that is no longer referenced (the app's own file), with its cached projections. */
  async remove(name: string): Promise<void> {
    await fs.rm(path.join(this.dir, name), { force: true });
    const prefix = generationPrefix(name);
    for (const other of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (other.startsWith(prefix) && other.endsWith('.xy')) await fs.rm(path.join(this.dir, other), { force: true });
    }
  }

  /**
   * At startup: deletes the app's own files that no set references and that are older
   * than `minAgeMs` — another process on the same data folder (the app and the CLI) may
   * be writing a generation it has not committed yet.
   */
  async removeUnreferenced(referenced: ReadonlySet<string>, minAgeMs = 60 * 60 * 1000): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const live = [...referenced].map(generationPrefix);
    for (const name of names) {
      const ours = /^set-\d+-.+\.(f32|xy)$/.test(name);
      const inUse = name.endsWith('.xy') ? live.some((prefix) => name.startsWith(prefix)) : referenced.has(name);
      if (!ours || inUse) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs >= minAgeMs) await fs.rm(file, { force: true });
    }
  }
}

/** What the names of a generation's cached projections start with: its file name without .f32, and a dot. */
function generationPrefix(setFile: string): string {
  return `${setFile.replace(/\.f32$/, '')}.`;
}

/** The bytes as float32, copied into an aligned buffer of their own (a Buffer may share a pool and start unaligned). */
function float32Of(bytes: Buffer): Float32Array {
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return data;
}
