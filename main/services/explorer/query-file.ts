// The h of one image that need not be in the dataset (the explorer's drop target or a
// path): embedded by the worker's 'embed' job with the set's own encoder. Dropped bytes
// go to a temporary file of the app's own in <data dir>/tmp (never the user's files) and
// are deleted afterwards. A file that is not an image is refused with the reason.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EncoderSource } from '../../../worker/jobs/explorer-encoder.ts';
import type { EmbedRunner } from './compute-embeddings.ts';
import { ExplorerError } from './explorer-errors.ts';

export interface QueryFile {
  readonly path?: string | undefined;
  readonly bytesBase64?: string | undefined;
  /** For messages. */
  readonly name: string;
}

export interface QueryDeps {
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly encoder: EncoderSource;
  readonly embed: EmbedRunner;
}

/** h of the file: [D]. */
export async function embedQueryFile(input: QueryFile, deps: QueryDeps): Promise<Float32Array> {
  let file = input.path ? path.resolve(input.path) : undefined;
  let temporary: string | undefined;
  if (file) {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) throw new ExplorerError(`'${file}' does not exist`);
    if (!stat.isFile()) throw new ExplorerError(`'${file}' is not a file`);
  } else {
    const dir = path.join(deps.dataDir, 'tmp');
    await fs.mkdir(dir, { recursive: true });
    temporary = file = path.join(dir, `query-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(temporary, Buffer.from(input.bytesBase64 ?? '', 'base64'));
  }
  try {
    const result = await deps.embed(
      { images: [{ path: file, relativePath: input.name }], encoder: deps.encoder, cacheDir: deps.cacheDir },
      { signal: new AbortController().signal, onProgress: () => {} },
    );
    if (result.rows !== 1) throw new ExplorerError(`'${input.name}' cannot be used as a query: ${result.skipped[0]?.reason ?? 'it could not be read'}`);
    return result.data;
  } finally {
    if (temporary) await fs.rm(temporary, { force: true });
  }
}
