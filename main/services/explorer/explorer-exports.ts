// The explorer's exports: embeddings (.npy + paths CSV, or one CSV for spreadsheets),
// neighbour lists (CSV or JSON), a selection (CSV file list, or copies of the images in
// a new/empty folder — copied, never moved), the 2-D coordinates (CSV). Every file is
// written atomically (worker/files.ts) through the engine's writers (worker/export).
// The encoder export needs TensorFlow.js and runs in the worker (see explorer-api.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExportResult, Projection } from '../../api/contract.ts';
import { csvField, csvPathFor, writePathsCsv } from '../../../worker/export/csv.ts';
import { writeNpyFloat32 } from '../../../worker/export/npy.ts';
import { writeFileAtomic } from '../../../worker/files.ts';
import type { KnnGraph } from '../../../worker/jobs/explorer-knn-graph.ts';
import type { ScoredRow } from './cosine-index.ts';
import type { EmbeddingFiles } from './embedding-files.ts';
import { absoluteImagePath } from '../library/image-location.ts';
import { ExplorerError } from './explorer-errors.ts';
import { checkFileTarget, prepareEmptyFolder } from './export-targets.ts';
import { type LoadedSet, readFreshVectors } from './loaded-set.ts';

export interface ExportContext {
  readonly loaded: LoadedSet;
  readonly files: EmbeddingFiles;
  /** Absolute folder of the set's dataset. */
  readonly datasetRoot: string;
}

function absolute(ctx: ExportContext, relPath: string): string {
  return absoluteImagePath(ctx.datasetRoot, relPath);
}

/** One exported image: its absolute path and its label (first sub-folder, '' at the root). */
export interface ExportedImage {
  readonly path: string;
  readonly label: string;
}

/**
 * Writes raw h ([images.length, d] row-major) for `images`, in their order — shared by the
 * explorer and `simclr-studio export`. 'npy': file (float32 [N, D]) + its .csv
 * (index,path,label) as `simclr-studio embed` writes; 'csv': path,label,h0…h(D−1).
 */
export async function writeEmbeddingFiles(format: 'npy' | 'csv', file: string, images: readonly ExportedImage[], raw: Float32Array, d: number): Promise<string[]> {
  if (format === 'npy') {
    // Same naming as the CLI's embed (F.npy → F.csv).
    const csv = csvPathFor(file);
    await writeNpyFloat32(file, raw, [images.length, d]);
    await writePathsCsv(csv, images);
    return [file, csv];
  }
  // One chunk per 1,000 rows: 100k × 512 values is ~600 MB of text, more than one JS string may hold.
  const chunks = [`${['path', 'label', ...Array.from({ length: d }, (_, c) => `h${c}`)].join(',')}\n`];
  for (let start = 0; start < images.length; start += 1000) {
    const lines = images.slice(start, start + 1000).map((image, i) => {
      const p = start + i;
      const values = Array.from(raw.subarray(p * d, (p + 1) * d), (v) => String(v));
      return `${[csvField(image.path), csvField(image.label), ...values].join(',')}\n`;
    });
    chunks.push(lines.join(''));
  }
  await writeFileAtomic(file, chunks);
  return [file];
}

/** 'npy': target (.npy, float32 [N, D]) + its .csv (index,path,label) as `simclr-studio embed` writes; 'csv': path,label,h0…h(D−1). */
export async function exportEmbeddings(ctx: ExportContext, format: 'npy' | 'csv', target: string): Promise<ExportResult> {
  const file = await checkFileTarget(target);
  const { loaded } = ctx;
  const raw = await readFreshVectors(ctx.files, loaded.set, loaded.rows); // h as computed, not normalised
  const images = loaded.rows.map((r, p) => ({ path: absolute(ctx, r.relPath), label: loaded.labels[p]! }));
  return { files: await writeEmbeddingFiles(format, file, images, raw, loaded.set.dim) };
}

/** The k nearest neighbours of every image: CSV (path,rank,neighbour,similarity) or JSON [{path, neighbours:[{path, similarity}]}]. */
export async function exportNeighbours(ctx: ExportContext, k: number, format: 'csv' | 'json', target: string, graph?: KnnGraph): Promise<ExportResult> {
  const file = await checkFileTarget(target);
  const { loaded } = ctx;
  // From the set's k-NN graph when it holds enough neighbours (no pass over all pairs), else one query per image.
  const fromGraph = graph && (k <= graph.k || graph.k === graph.rows - 1);
  const neighboursOf = (p: number): ScoredRow[] =>
    fromGraph
      ? Array.from({ length: Math.min(k, graph.k) }, (_, j) => ({ row: graph.indices[p * graph.k + j]!, similarity: graph.similarities[p * graph.k + j]! }))
      : loaded.index.neighboursOfRow(p, k);
  const lists: NeighbourList[] = [];
  for (let p = 0; p < loaded.rows.length; p++) {
    const neighbours = neighboursOf(p).map((n) => ({ path: absolute(ctx, loaded.rows[n.row]!.relPath), similarity: n.similarity }));
    lists.push({ path: absolute(ctx, loaded.rows[p]!.relPath), neighbours });
    if (p % 256 === 255) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await writeNeighbourLists(format, file, lists);
  return { files: [file] };
}

export interface NeighbourList {
  readonly path: string;
  /** Most similar first. */
  readonly neighbours: readonly { readonly path: string; readonly similarity: number }[];
}

/** CSV (path,rank,neighbour,similarity) or JSON [{path, neighbours:[{path, similarity}]}]; shared with `simclr-studio export`. */
export async function writeNeighbourLists(format: 'csv' | 'json', file: string, lists: readonly NeighbourList[]): Promise<void> {
  if (format === 'json') {
    await writeFileAtomic(file, `${JSON.stringify(lists, null, 1)}\n`);
  } else {
    const lines = ['path,rank,neighbour,similarity'];
    for (const list of lists) list.neighbours.forEach((n, i) => lines.push(`${csvField(list.path)},${i + 1},${csvField(n.path)},${n.similarity}`));
    await writeFileAtomic(file, `${lines.join('\n')}\n`);
  }
}

/** The selected images as a CSV (path,label) or as copies in a new/empty folder, keeping their sub-folders. */
export async function exportSelection(ctx: ExportContext, imageIds: readonly number[], target: { csv: string } | { copyTo: string }): Promise<ExportResult> {
  const { loaded } = ctx;
  const unique = [...new Set(imageIds)];
  const unknown = unique.filter((id) => !loaded.positionOf.has(id));
  if (unknown.length) throw new ExplorerError(`${unknown.length} selected image(s) are not in embedding set ${loaded.set.id} (ids ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''})`);
  const rows = unique.map((id) => loaded.rows[loaded.positionOf.get(id)!]!).sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  if ('csv' in target) {
    const file = await checkFileTarget(target.csv);
    await writePathsCsv(file, rows.map((r) => ({ path: absolute(ctx, r.relPath), label: loaded.labels[loaded.positionOf.get(r.imageId)!]! })));
    return { files: [file] };
  }
  return { files: await copyIntoEmptyFolder(ctx.datasetRoot, rows.map((r) => r.relPath), target.copyTo) };
}

/**
 * Copies (never moves) the images at `relPaths` ('/'-separated, under `root`) into the
 * new or empty folder `target`, keeping their sub-folders; returns the copies' paths.
 * Shared with `simclr-studio export selection --copy-to`.
 */
export async function copyIntoEmptyFolder(root: string, relPaths: readonly string[], target: string): Promise<string[]> {
  const folder = await prepareEmptyFolder(target);
  const copied: string[] = [];
  for (const relPath of relPaths) {
    const parts = relPath.split('/');
    const to = path.join(folder, ...parts);
    await fs.mkdir(path.dirname(to), { recursive: true });
    // COPYFILE_EXCL: never overwrite anything (the folder was empty, but be certain).
    await fs.copyFile(path.join(root, ...parts), to, fs.constants.COPYFILE_EXCL).catch((error: Error) => {
      throw new ExplorerError(`copying ${relPath} to ${folder} failed after ${copied.length} of ${relPaths.length} images: ${error.message}`);
    });
    copied.push(to);
  }
  return copied;
}

/** path,label,x,y per point, in the projection's order. */
export async function exportProjection(ctx: ExportContext, projection: Projection, target: string): Promise<ExportResult> {
  const file = await checkFileTarget(target);
  const images = projection.relPaths.map((relPath, i) => ({ path: absolute(ctx, relPath), label: projection.labels[projection.labelIndex[i]!] ?? '' }));
  await writeCoordinatesCsv(file, images, projection.coordinates);
  return { files: [file] };
}

/** path,label,x,y per image; coordinates [images.length, 2] row-major. Shared with `simclr-studio export map`. */
export async function writeCoordinatesCsv(file: string, images: readonly ExportedImage[], coordinates: ArrayLike<number>): Promise<void> {
  const lines = ['path,label,x,y'];
  images.forEach((image, i) => lines.push(`${csvField(image.path)},${csvField(image.label)},${coordinates[2 * i]},${coordinates[2 * i + 1]}`));
  await writeFileAtomic(file, `${lines.join('\n')}\n`);
}
