// `simclr-studio embed <folder> --run-dir D --out F.npy [--json]`
// Writes the representations h (paper §4.2: h, not z, is the better representation) of
// every usable image of <folder> with the run's encoder (its last checkpoint) to F.npy
// (float32, N×D) and the image paths, in the same order, to F.csv (index,path,label).
import fs from 'node:fs/promises';
import path from 'node:path';
import { selectBackend } from '../../worker/backend.ts';
import { embedDataset } from '../../worker/embed.ts';
import { csvPathFor } from '../../worker/export/csv.ts';
import { lastCheckpointPath, readCheckpoint } from '../../worker/simclr/checkpoint.ts';
import { encoderFromCheckpoint } from '../../worker/simclr/trainer-session.ts';
import { errorMessage } from '../error-message.ts';
import { writeEmbeddingFiles } from '../services/explorer/explorer-exports.ts';
import { CliError, logLine, parseCommandArgs, printJson } from './common.ts';
import { openFolderForCli } from './open-folder.ts';
import { ProgressLine } from './progress-line.ts';

const USAGE = `usage: simclr-studio embed <folder> --run-dir D --out F.npy [--json]

Writes h = f(x) of every image of <folder> with the encoder trained in run D to F.npy
(float32, N×D) and the image paths in the same order to F.csv.`;

const OPTIONS = {
  'run-dir': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'embed');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`embed needs exactly one <folder>, got ${positionals.length}\n\n${USAGE}`);
  if (!values['run-dir']) throw new CliError(`embed needs --run-dir D (a run made by simclr-studio train)\n\n${USAGE}`);
  if (!values.out) throw new CliError(`embed needs --out F.npy\n\n${USAGE}`);
  const folder = path.resolve(positionals[0]!);
  const out = path.resolve(values.out);
  const csv = csvPathFor(out);

  const file = lastCheckpointPath(path.resolve(values['run-dir']));
  const checkpoint = await readCheckpoint(file).catch((error: unknown) => {
    throw new CliError(errorMessage(error));
  });
  const progress = new ProgressLine(process.stderr);
  const skipped: { path: string; reason: string }[] = [];
  const dataset = await openFolderForCli(folder, { imageSize: checkpoint.config.imageSize, progress, onSkipped: (s) => skipped.push(s) });

  const { tf, name: backend } = await selectBackend('auto', logLine);
  let encoder;
  try {
    encoder = encoderFromCheckpoint(tf, checkpoint, file);
  } catch (error) {
    throw new CliError(errorMessage(error));
  }
  try {
    const h = await embedDataset(tf, encoder, dataset, checkpoint.config.imageSize, {
      onProgress: (done, total) => progress.update(`embedding ${done}/${total}`, done / total),
      onSkipped: (s) => {
        skipped.push(s);
        progress.log(`skipped ${s.path}: ${s.reason}`);
      },
    });
    progress.done();
    await fs.mkdir(path.dirname(out), { recursive: true }).catch((error: unknown) => {
      throw new CliError(`cannot create the folder of --out ${out}: ${errorMessage(error)}`);
    });
    const images = h.indices.map((i) => ({ path: dataset.images[i]!.file.path, label: dataset.images[i]!.file.label }));
    await writeEmbeddingFiles('npy', out, images, h.data, h.cols); // out and csv
    logLine(`wrote ${h.rows}×${h.cols} embeddings to ${out} and their paths to ${csv}`);
    if (values.json) printJson({ out, csv, images: h.rows, dim: h.cols, backend, skipped });
  } finally {
    encoder.dispose();
  }
  return 0;
}
