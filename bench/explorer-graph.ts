// Time of the explorer's k-NN graph (32 neighbours per image; duplicates, outliers and
// neighbour exports derive from it) on the wasm backend, as the 'neighbour-graph' worker
// job computes it: blocked matMul + topk. It grows as N²·D.
// Run: node_modules/.bin/node bench/explorer-graph.ts [rows=10000]
import { normalizeRowsInPlace } from '../main/services/explorer/cosine-index.ts';
import { selectBackend } from '../worker/backend.ts';
import { knnGraph } from '../worker/jobs/explorer-knn-graph.ts';
import { createRng } from '../worker/simclr/rng.ts';

const rows = Number(process.argv[2] ?? 10_000);
const { tf, detail } = await selectBackend('wasm', () => {});
for (const dim of [128, 512]) {
  const rng = createRng(dim);
  const unit = normalizeRowsInPlace(Float32Array.from({ length: rows * dim }, () => rng.uniform(-1, 1)), rows, dim);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await knnGraph(tf, unit, rows, dim, 32);
  const used = process.cpuUsage(cpu);
  console.log(`k-NN graph (k=32) ${rows.toLocaleString('en')} × ${dim} on ${detail.split(',')[0]}: wall ${((performance.now() - wall) / 1000).toFixed(1)} s, CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`);
}
