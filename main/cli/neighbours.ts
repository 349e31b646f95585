// `simclr-studio neighbours <image> --run-dir D --dataset <folder> [--k 10] [--json]`
// The images of <folder> whose representation h (paper §4.2) is nearest — by cosine
// similarity — to that of <image>, under the encoder of run D's last checkpoint. Runs
// the engine in-process (like `embed`): the same decode, centre crop and encoder as the
// app's explorer, the same exact cosine index. The query itself is left out when it is
// one of the folder's images.
import fs from 'node:fs/promises';
import path from 'node:path';
import { defaultDataDir, pixelCacheDir } from '../data-dir.ts';
import { CosineIndex } from '../services/explorer/cosine-index.ts';
import { prepareDataset } from '../../worker/data/dataset.ts';
import { PixelCache } from '../../worker/data/pixel-cache.ts';
import { sourceSideFor } from '../../worker/data/source-size.ts';
import { embedDataset } from '../../worker/embed.ts';
import { CliError, numberFlag, parseCommandArgs, printJson } from './common.ts';
import { embedFolderWith, loadRunEncoder } from './export-embedded.ts';

const USAGE = `usage: simclr-studio neighbours <image> --run-dir D --dataset <folder> [--k 10] [--json]

Lists the images of <folder> most similar to <image> (cosine similarity of h) under the
encoder trained in run D (its last checkpoint), most similar first.`;

const OPTIONS = {
  'run-dir': { type: 'string' },
  dataset: { type: 'string' },
  k: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'neighbours');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`neighbours needs exactly one <image>, got ${positionals.length}\n\n${USAGE}`);
  if (!values['run-dir']) throw new CliError(`neighbours needs --run-dir D (a run made by simclr-studio train)\n\n${USAGE}`);
  if (!values.dataset) throw new CliError(`neighbours needs --dataset <folder> (the images to search)\n\n${USAGE}`);
  const k = numberFlag(values.k, 'k', 10);
  if (!Number.isInteger(k) || k < 1) throw new CliError(`--k must be a positive whole number, got '${values.k}'`);
  const query = path.resolve(positionals[0]!);
  const folder = path.resolve(values.dataset);
  const stat = await fs.stat(query).catch(() => undefined);
  if (!stat) throw new CliError(`the image ${query} does not exist`);
  if (!stat.isFile()) throw new CliError(`${query} is not a file`);

  // A missing, damaged or foreign checkpoint, or weights of another architecture than its config: CliError names the file.
  const { tf, loaded } = await loadRunEncoder(values['run-dir']);
  try {
    const { imageSize } = loaded.config;
    const queryData = await prepareDataset([{ path: query, relativePath: path.basename(query), label: '' }], { side: sourceSideFor(imageSize), cache: new PixelCache(pixelCacheDir(defaultDataDir())) });
    if (queryData.size === 0) throw new CliError(`${query} cannot be used as a query: ${queryData.skipped[0]?.reason ?? 'it could not be read'}`);
    const q = await embedDataset(tf, loaded.encoder, queryData, imageSize);

    const e = await embedFolderWith(tf, loaded, folder);
    const paths = e.images.map((image) => image.path);
    const index = CosineIndex.adopt(e.h, e.images.length, e.dim); // e.h is ours: normalised in place, no copy
    const self = paths.indexOf(query);
    const neighbours = index.topK(index.unitQuery(q.data), k, self).map((n) => ({ path: paths[n.row]!, similarity: n.similarity }));
    if (values.json) printJson({ query, neighbours });
    else for (const n of neighbours) console.log(`${n.similarity.toFixed(4)}  ${n.path}`);
  } finally {
    loaded.encoder.dispose();
  }
  return 0;
}
