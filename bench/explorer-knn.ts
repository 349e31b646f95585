// kNN query latency of the explorer's exact cosine top-k (k = 12) for random unit
// embeddings: 10k × 512, 100k × 512 and 100k × 128 (D = 512 is h of a width-1
// ResNet-18, 128 of the app's default width 0.25). Target: < 50 ms at 100k × 512, and
// no block of the main event loop longer than ~50 ms.
//
// Per size, side by side (median and p90 of single queries; CPU = the whole process's
// user+system time during the query, so a query on another thread counts too; the
// machine is shared: record `uptime` with the numbers):
//   app       what the explorer does now: IndexThread.neighboursOfRow (the index thread,
//             usearch filter + JS re-score), wall time seen from main, plus the longest
//             main-thread block during those queries;
//   js-1      the old path: the JS scan on the calling thread (the reference ratio);
//   filtered  CosineIndex.topK on this thread (usearch candidates + exact re-score);
//   usearch   usearch exactSearch alone (k + 33 candidates, no re-score);
//   js-2      the JS scan split over 2 worker threads on the shared rows, merged in main;
//   tf-wasm   one tf.matMul on the wasm backend with the matrix resident as a tensor
//             (what a query would cost in the busy training worker, without the wait).
// Each result is checked against the JS scan (same rows); at 100k × 512 also the
// longest main-thread block during PCA (the old in-main pca2d vs the index thread) and
// while handing the rows to a worker job (graph, UMAP): the old copy + structured clone
// vs sharing the SharedArrayBuffer; and while loading a set (read the file, gather the
// rows, normalise): in main (old) vs on the index thread.
// Run: node_modules/.bin/node bench/explorer-knn.ts
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CosineIndex, normalizeRowsInPlace, selectTopK, sharedFloat32, type ScoredRow } from '../main/services/explorer/cosine-index.ts';
import { EmbeddingFiles } from '../main/services/explorer/embedding-files.ts';
import { IndexThread } from '../main/services/explorer/index-thread.ts';
import { gatherRows } from '../main/services/explorer/loaded-set.ts';
import { nativeCandidates } from '../main/services/explorer/native-scan.ts';
import { selectBackend } from '../worker/backend.ts';
import { pca2d } from '../worker/projection/pca.ts';
import type { SplitScanRequest } from './explorer-knn-split-worker.ts';

const QUERIES = 30;
const WARMUP = 3;
const K = 12;

function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  // xorshift32: reproducible without pulling in the engine's RNG.
  let x = seed >>> 0 || 1;
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 0x100000000 - 0.5;
  }
  return out;
}

interface Timing {
  readonly wall: number[];
  readonly cpu: number[];
}

/** Times `query(row)` over QUERIES rows after WARMUP; checks each answer against `check`. */
async function time(query: (row: number) => ScoredRow[] | Promise<ScoredRow[]>, rows: number, check: (row: number, got: ScoredRow[]) => void): Promise<Timing> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let q = 0; q < QUERIES + WARMUP; q++) {
    const row = (q * 7919) % rows;
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const got = await query(row);
    const used = process.cpuUsage(startCpu);
    const ms = performance.now() - start;
    check(row, got);
    await new Promise((resolve) => setImmediate(resolve)); // one turn of the event loop between queries, as between requests
    if (q < WARMUP) continue; // JIT, thread start
    wall.push(ms);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

function line(name: string, t: Timing, reference?: Timing, extra = ''): string {
  const ratio = reference ? `  (${(quantile(reference.wall, 0.5) / quantile(t.wall, 0.5)).toFixed(1)}× js-1)` : '';
  return (
    `  ${name.padEnd(9)} wall median ${quantile(t.wall, 0.5).toFixed(1).padStart(5)} ms, p90 ${quantile(t.wall, 0.9).toFixed(1).padStart(5)} ms; ` +
    `CPU median ${quantile(t.cpu, 0.5).toFixed(1).padStart(5)} ms, p90 ${quantile(t.cpu, 0.9).toFixed(1).padStart(5)} ms${ratio}${extra}`
  );
}

/**
 * Runs `work` while a 1 ms timer ticks on the main event loop; the longest gap between
 * two ticks (or from the last tick to the end), in ms: how long main could not answer.
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the ticker see the end of a synchronous block
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

/** Option (b): two threads scan halves of the shared rows; main merges their top k. */
class SplitScan {
  readonly #workers = [0, 1].map(() => new Worker(new URL('./explorer-knn-split-worker.ts', import.meta.url)));
  query(index: CosineIndex, row: number, k: number): Promise<ScoredRow[]> {
    const half = Math.ceil(index.rows / 2);
    const query = Float32Array.from(index.rowVector(row));
    return Promise.all(
      this.#workers.map((w, i) => {
        const from = i * half;
        const to = Math.min(index.rows, from + half);
        return new Promise<ScoredRow[]>((resolve) => {
          w.once('message', resolve);
          w.postMessage({ unit: index.unit, rows: index.rows, dim: index.dim, from, to, query, k, exclude: row } satisfies SplitScanRequest);
        });
      }),
    ).then(([a, b]) => [...a!, ...b!].sort((x, y) => y.similarity - x.similarity || x.row - y.row).slice(0, k));
  }
  close(): Promise<number[]> {
    return Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

const { tf } = await selectBackend('wasm', () => {});
const thread = new IndexThread();
const split = new SplitScan();

for (const [rows, dim] of [[10_000, 512], [100_000, 512], [100_000, 128]] as const) {
  const t0 = performance.now();
  const index = CosineIndex.build(randomMatrix(rows, dim, rows), rows, dim);
  const buildMs = performance.now() - t0;
  const expected = new Map<number, number[]>();
  const jsScan = (row: number) => selectTopK(index.similarities(index.rowVector(row), new Float32Array(rows)), K, row);
  const same = (name: string) => (row: number, got: ScoredRow[]) => {
    const want = expected.get(row)!.join();
    if (got.map((g) => g.row).join() !== want) throw new Error(`${name}: ${rows} × ${dim} row ${row}: ${got.map((g) => g.row).join()} ≠ JS scan ${want}`);
  };
  const js1 = await time(jsScan, rows, (row, got) => expected.set(row, got.map((g) => g.row)));
  const filtered = await time((row) => index.neighboursOfRow(row, K), rows, same('filtered'));
  const usearch = await time(
    (row) => {
      const found = nativeCandidates(index.unit, rows, dim, index.rowVector(row), K + 1 + 32)!;
      return Array.from(found.rows, (r, i) => ({ row: r, similarity: found.dots[i]! })).filter((s) => s.row !== row).slice(0, K);
    },
    rows,
    same('usearch'),
  );
  const js2 = await time((row) => split.query(index, row, K), rows, same('js-2'));
  const unitTensor = tf.tensor2d(index.unit, [rows, dim]); // [N, D], resident
  const tfWasm = await time(
    async (row) => {
      const query = tf.tensor2d(index.rowVector(row), [dim, 1]);
      const scores = tf.matMul(unitTensor, query); // [N, D]·[D, 1] → [N, 1]
      const top = selectTopK((await scores.data()) as Float32Array, K, row);
      tf.dispose([query, scores]);
      return top;
    },
    rows,
    same('tf-wasm'),
  );
  unitTensor.dispose();
  const app = await time((row) => thread.neighboursOfRow(index, row, K), rows, same('app'));
  // Timed apart from the ticker (its 1 ms wake-ups would add to the queries' time).
  const appBlock = await longestBlock(async () => {
    await time((row) => thread.neighboursOfRow(index, row, K), rows, () => {});
  });
  const oldBlock = await longestBlock(async () => {
    await time(jsScan, rows, () => {});
  });
  console.log(`kNN exact cosine, ${rows.toLocaleString('en')} × ${dim}, k=${K} (build ${buildMs.toFixed(0)} ms):`);
  console.log(line('app', app, js1, `; longest main-thread block ${appBlock.toFixed(1)} ms (js-1 in main: ${oldBlock.toFixed(1)} ms)`));
  console.log(line('js-1', js1));
  console.log(line('filtered', filtered, js1));
  console.log(line('usearch', usearch, js1));
  console.log(line('js-2', js2, js1));
  console.log(line('tf-wasm', tfWasm, js1));
  if (rows === 100_000 && dim === 512) {
    const inMain = performance.now();
    const oldPca = await longestBlock(async () => pca2d(index.unit, rows, dim));
    const inMainMs = performance.now() - inMain;
    const onThread = performance.now();
    const threadPca = await longestBlock(() => thread.pca(index));
    console.log(
      `  PCA ${rows.toLocaleString('en')} × ${dim}: in main (old) ${inMainMs.toFixed(0)} ms, main blocked ${oldPca.toFixed(0)} ms; ` +
        `on the index thread ${(performance.now() - onThread).toFixed(0)} ms wall, main blocked at most ${threadPca.toFixed(1)} ms`,
    );
    // What postMessage does to a job request's rows: the old request held a copy (cloned again on sending), the new one the shared rows.
    const copied = await longestBlock(async () => structuredClone({ data: Float32Array.from(index.unit) }));
    const sharedRows = await longestBlock(async () => structuredClone({ data: index.unit }));
    console.log(`  rows to a worker job (graph, UMAP): copy + clone (old) blocked main ${copied.toFixed(0)} ms; shared (now) ${sharedRows.toFixed(1)} ms`);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-knn-'));
    const files = new EmbeddingFiles(dataDir);
    await files.write('set.f32', index.unit);
    const fileRows = Int32Array.from({ length: rows }, (_, i) => i);
    let loadStart = performance.now();
    const loadInMain = await longestBlock(async () => {
      const { data, rows: stored } = await files.read('set.f32', dim);
      const unit = sharedFloat32(rows * dim);
      gatherRows(data, stored, dim, fileRows, unit, 1);
      normalizeRowsInPlace(unit, rows, dim);
    });
    const loadInMainMs = performance.now() - loadStart;
    loadStart = performance.now();
    const loadOnThread = await longestBlock(() => thread.loadUnitRows(files, 'set.f32', 1, dim, fileRows, sharedFloat32(rows * dim)));
    console.log(
      `  loading the set (read, gather, normalise): in main (old) ${loadInMainMs.toFixed(0)} ms, main blocked ${loadInMain.toFixed(0)} ms; ` +
        `on the index thread ${(performance.now() - loadStart).toFixed(0)} ms, main blocked at most ${loadOnThread.toFixed(1)} ms`,
    );
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
await thread.close();
await split.close();
