// `simclr-studio export <kind> --run-dir D --dataset <folder> --out PATH [--json]`
// The explorer's exports (issue 5 item 5) from the command line, through the same
// writers as the app (main/services/explorer/explorer-exports.ts) and the same target
// checks (export-targets.ts). The folder is embedded in-process with run D's last
// checkpoint, like `embed` and `neighbours`. Unlike the app's save dialog, the CLI
// never replaces an existing output file: it refuses it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { listFolderImages } from '../../worker/data/list-images.ts';
import { csvPathFor, writePathsCsv } from '../../worker/export/csv.ts';
import { exportLayersModel } from '../../worker/export/layers-model.ts';
import { type ProjectionMethod, projectEmbeddings } from '../../worker/projection.ts';
import { UMAP_MIN_POINTS } from '../../worker/projection/umap.ts';
import { CosineIndex } from '../services/explorer/cosine-index.ts';
import { ExplorerError } from '../services/explorer/explorer-errors.ts';
import { copyIntoEmptyFolder, type NeighbourList, writeCoordinatesCsv, writeEmbeddingFiles, writeNeighbourLists } from '../services/explorer/explorer-exports.ts';
import { checkFileTarget, filesInFolder, prepareEmptyFolder } from '../services/explorer/export-targets.ts';
import { choiceFlag, CliError, logLine, numberFlag, parseCommandArgs, printJson } from './common.ts';
import { embedFolder, loadRunEncoder } from './export-embedded.ts';
import { ProgressLine } from './progress-line.ts';

const KINDS = ['embeddings', 'neighbours', 'map', 'selection', 'encoder'] as const;
type Kind = (typeof KINDS)[number];

const USAGE = `usage: simclr-studio export <kind> --run-dir D --dataset <folder> --out PATH [--json]

kinds:
  embeddings [--format npy|csv]   h of every image: F.npy + F.csv (paths), or one CSV path,label,h0..hD-1
  neighbours [--k 10] [--format csv|json]   every image's k nearest neighbours by cosine of h
  map [--method pca|umap] [--seed 42]       2-D coordinates CSV: path,label,x,y; UMAP needs at least
                                  ${UMAP_MIN_POINTS} images (with fewer the map is PCA, and says so)
  selection --images LIST.txt (--format csv --out F | --copy-to DIR)
                                  the listed paths (relative to <folder>, one a line) as CSV, or
                                  copied (never moved) into a new or empty DIR; needs no --run-dir
  encoder                         the run's encoder as a TF.js LayersModel in the new or empty folder --out

An existing output file is refused. With --json the last line is {"kind","files":[…],"images":N}
(map adds "method": the projection the file holds, "pca" when UMAP fell back).`;

const OPTIONS = {
  'run-dir': { type: 'string' },
  dataset: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  k: { type: 'string' },
  method: { type: 'string' },
  seed: { type: 'string' },
  images: { type: 'string' },
  'copy-to': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

interface Exported {
  readonly files: readonly string[];
  readonly images: number;
  /** map only: the projection written (the one asked for, or PCA when UMAP fell back). */
  readonly method?: ProjectionMethod;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 'export');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`export needs exactly one <kind> (${KINDS.join(', ')}), got ${positionals.length}\n\n${USAGE}`);
  const kind = positionals[0]!;
  if (!(KINDS as readonly string[]).includes(kind)) throw new CliError(`unknown export kind '${kind}': choose one of ${KINDS.join(', ')}`);
  const result = await exportKind(kind as Kind, values).catch((error: unknown) => {
    // Target checks speak for themselves (the file or folder and the reason).
    if (error instanceof ExplorerError) throw new CliError(error.message);
    throw error;
  });
  process.stderr.write(`wrote ${result.files.length} file(s) for ${result.images} image(s)\n`);
  if (values.json) printJson({ kind, files: result.files, images: result.images, ...(result.method ? { method: result.method } : {}) });
  else for (const file of result.files) console.log(file);
  return 0;
}

function required(values: Values, flag: 'run-dir' | 'dataset' | 'out' | 'images', kind: Kind, why: string): string {
  const value = values[flag];
  if (!value) throw new CliError(`export ${kind} needs --${flag} ${why}\n\n${USAGE}`);
  return value;
}

/** A new output file: its folder exists and is writable (checkFileTarget), and nothing is there yet. */
async function newFileTarget(out: string): Promise<string> {
  const file = await checkFileTarget(out);
  if (await fs.stat(file).catch(() => undefined)) throw new CliError(`${file} already exists: choose a new file name (export never replaces a file)`);
  return file;
}

async function exportKind(kind: Kind, values: Values): Promise<Exported> {
  if (kind === 'selection') return exportSelection(values);
  const runDir = required(values, 'run-dir', kind, 'D (a run made by simclr-studio train)');
  const out = required(values, 'out', kind, kind === 'encoder' ? 'DIR (a new or empty folder)' : 'PATH (the file to write)');
  if (kind === 'encoder') {
    // The checkpoint first: a run without one must not leave a new empty folder behind.
    const { loaded } = await loadRunEncoder(runDir);
    try {
      const dir = await prepareEmptyFolder(out);
      await exportLayersModel(loaded.encoder, dir);
      return { files: await filesInFolder(dir), images: 0 };
    } finally {
      loaded.encoder.dispose();
    }
  }
  const folder = path.resolve(required(values, 'dataset', kind, '<folder> (the images to export)'));

  // Flags are checked before the (slow) embedding, target too.
  if (kind === 'embeddings') {
    const format = choiceFlag(values.format, 'format', ['npy', 'csv'] as const) ?? 'npy';
    const file = await newFileTarget(out);
    if (format === 'npy') await newFileTarget(csvPathFor(file));
    const e = await embedFolder(runDir, folder);
    return { files: await writeEmbeddingFiles(format, file, e.images, e.h, e.dim), images: e.images.length };
  }
  if (kind === 'neighbours') {
    const format = choiceFlag(values.format, 'format', ['csv', 'json'] as const) ?? 'csv';
    const k = numberFlag(values.k, 'k', 10);
    if (!Number.isInteger(k) || k < 1) throw new CliError(`--k must be a positive whole number, got '${values.k}'`);
    const file = await newFileTarget(out);
    const e = await embedFolder(runDir, folder);
    const index = CosineIndex.adopt(e.h, e.images.length, e.dim); // exact cosine top-k, the explorer's index
    const lists: NeighbourList[] = e.images.map((image, p) => ({
      path: image.path,
      neighbours: index.neighboursOfRow(p, k).map((n) => ({ path: e.images[n.row]!.path, similarity: n.similarity })),
    }));
    await writeNeighbourLists(format, file, lists);
    return { files: [file], images: lists.length };
  }
  // map
  const method = choiceFlag(values.method, 'method', ['pca', 'umap'] as const) ?? 'pca';
  const seed = numberFlag(values.seed, 'seed', 42);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be a whole number, got '${values.seed}'`);
  const file = await newFileTarget(out);
  const e = await embedFolder(runDir, folder);
  const rows = e.images.length;
  // The projection lays out fewer than UMAP_MIN_POINTS by PCA (worker/projection.ts); a
  // user who asked for UMAP is told, and the JSON line names what the file holds.
  const used: ProjectionMethod = method === 'umap' && rows < UMAP_MIN_POINTS ? 'pca' : method;
  if (used !== method) logLine(`${folder} has ${rows} usable image(s) and UMAP needs at least ${UMAP_MIN_POINTS}: the map is PCA instead`);
  const progress = new ProgressLine(process.stderr);
  const xy = await projectEmbeddings(e.h, rows, e.dim, used, { seed, onProgress: (done, total) => progress.update(`UMAP epoch ${done}/${total}`, done / total) }); // [N, 2]
  progress.done();
  await writeCoordinatesCsv(file, e.images, xy);
  return { files: [file], images: rows, method: used };
}

/** The listed images (relative to --dataset, one a line; blank lines and '#' comments ignored), each an image of the folder. */
async function exportSelection(values: Values): Promise<Exported> {
  const folder = path.resolve(required(values, 'dataset', 'selection', '<folder> (the paths of the list are relative to it)'));
  const listFile = path.resolve(required(values, 'images', 'selection', 'LIST.txt (one relative path a line)'));
  const copyTo = values['copy-to'];
  const format = choiceFlag(values.format, 'format', ['csv'] as const);
  if (copyTo !== undefined && format !== undefined) throw new CliError('export selection takes either --format csv (with --out) or --copy-to DIR, not both');
  if (copyTo === undefined && format === undefined) throw new CliError(`export selection needs --format csv (with --out F.csv) or --copy-to DIR\n\n${USAGE}`);
  const text = await fs.readFile(listFile, 'utf8').catch((error: Error) => {
    throw new CliError(`cannot read the list ${listFile}: ${error.message}`);
  });
  const listed = [...new Set(text.split(/\r?\n/).map((l) => l.trim().replaceAll('\\', '/')).filter((l) => l !== '' && !l.startsWith('#')))];
  if (listed.length === 0) throw new CliError(`the list ${listFile} names no images`);
  const { files } = await listFolderImages(folder).catch((error: Error) => {
    throw new CliError(error.message);
  });
  const byRelPath = new Map(files.map((f) => [f.relativePath, f]));
  const unknown = listed.filter((p) => !byRelPath.has(p));
  if (unknown.length) throw new CliError(`${unknown.length} listed image(s) are not images of ${folder}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`);
  const chosen = listed.map((p) => byRelPath.get(p)!).sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
  if (copyTo !== undefined) return { files: await copyIntoEmptyFolder(folder, chosen.map((f) => f.relativePath), copyTo), images: chosen.length };
  const file = await newFileTarget(required(values, 'out', 'selection', 'F.csv (with --format csv)'));
  await writePathsCsv(file, chosen.map((f) => ({ path: f.path, label: f.label })));
  return { files: [file], images: chosen.length };
}
