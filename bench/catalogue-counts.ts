// What the library grid's image count costs while a scan writes, at 100k images: each
// grid page asks countImages (listImages' total) and the dataset list asks listDatasets,
// and during a scan every page request comes right after some write. Also the cost of
// writing the rows themselves (what keeping counts up to date may add to a scan).
// Real SQLite file (WAL), the real Catalogue. Prints numbers; asserts nothing.
//
//   node_modules/.bin/node bench/catalogue-counts.ts [--images 100000] [--rounds 200]
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../main/db/open.ts';
import { Catalogue, type FileRow } from '../main/services/library/catalogue.ts';
import { createTempDir } from '../test/helpers/image-fixtures.ts';

const { values } = parseArgs({ options: { images: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '200' } } });
const images = Number(values.images);
const rounds = Number(values.rounds);
/** Rows per write transaction while filling: about what a scan commits at once. */
const BATCH = 500;

const okRow = (i: number, seed = 0): FileRow => ({
  status: 'ok',
  relPath: `class-${i % 10}/img-${i}.png`,
  size: 1000 + seed,
  mtimeMs: 1 + seed,
  contentHash: (i + seed).toString(16).padStart(64, '0'),
  width: 32,
  height: 32,
  format: 'png',
});
const skippedRow = (i: number): FileRow => ({ status: 'skipped', relPath: `notes-${i}.txt`, size: 5, mtimeMs: 1, reason: `'notes-${i}.txt' is not an image.` });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => Number(x.toFixed(3));

const tmp = await createTempDir('simclr-bench-counts-');
const db = openDatabase(path.join(tmp.path, 'studio.sqlite'));
try {
  const catalogue = new Catalogue(db);
  // A small finished dataset beside the big one: listDatasets shows both.
  const small = catalogue.createDataset('/small', 'small');
  catalogue.transaction(() => {
    for (let i = 0; i < 1000; i++) catalogue.saveFile(small, okRow(i));
  });
  const big = catalogue.createDataset('/big', 'big');

  // Filling: a first scan of `images` files (1 in 100 skipped).
  const fillStart = performance.now();
  for (let start = 0; start < images; start += BATCH) {
    catalogue.transaction(() => {
      for (let i = start; i < Math.min(images, start + BATCH); i++) catalogue.saveFile(big, i % 100 === 99 ? skippedRow(i) : okRow(i));
    });
  }
  const fillMs = performance.now() - fillStart;

  // During a (re-)scan: a small write (32 changed files, one new, one removed), then the
  // grid asks for its total and the dataset list, as a page request would.
  const afterWrite: number[] = [];
  const listAfterWrite: number[] = [];
  let next = images;
  for (let r = 0; r < rounds; r++) {
    catalogue.transaction(() => {
      for (let k = 0; k < 32; k++) catalogue.saveFile(big, okRow((r * 32 + k) % images, r + 1));
      catalogue.saveFile(big, okRow(next++));
    });
    let t = performance.now();
    catalogue.countImages(big);
    afterWrite.push(performance.now() - t);
    t = performance.now();
    catalogue.listDatasets();
    listAfterWrite.push(performance.now() - t);
  }
  // With no write in between (the app idle, scrolling the grid).
  const idle: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    catalogue.countImages(big);
    idle.push(performance.now() - t);
  }
  console.log(
    JSON.stringify({
      images,
      rounds,
      fill_ms: Math.round(fillMs),
      fill_us_per_row: ms((fillMs * 1000) / images),
      count_after_write_ms_median: ms(median(afterWrite)),
      list_datasets_after_write_ms_median: ms(median(listAfterWrite)),
      count_idle_ms_median: ms(median(idle)),
      image_count: catalogue.countImages(big),
      loadavg_1m: os.loadavg()[0]!.toFixed(2),
    }),
  );
} finally {
  db.close();
  await tmp.remove();
}
