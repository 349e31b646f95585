// kNN query latency of the explorer's exact cosine index (main/services/explorer/
// cosine-index.ts) for 10k and 100k random embeddings of dimension 512, k = 12.
// Prints the median and p90 of single queries, as CPU time of this thread (the machine
// is shared: wall time mostly measures the other processes) and as wall time.
// Target: < 50 ms at 100k.
// Run: node_modules/.bin/node bench/explorer-knn.ts
import { CosineIndex } from '../main/services/explorer/cosine-index.ts';

const DIM = 512;
const QUERIES = 30;

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

for (const rows of [10_000, 100_000]) {
  const data = randomMatrix(rows, DIM, rows);
  const t0 = performance.now();
  const index = CosineIndex.build(data, rows, DIM);
  const buildMs = performance.now() - t0;
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let q = 0; q < QUERIES + 3; q++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    index.neighboursOfRow((q * 7919) % rows, 12);
    const used = process.cpuUsage(startCpu);
    if (q < 3) continue; // the first queries warm the JIT
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  console.log(
    `kNN exact cosine, ${rows.toLocaleString('en')} × ${DIM}, k=12: build ${buildMs.toFixed(0)} ms wall; ` +
      `query CPU median ${quantile(cpu, 0.5).toFixed(1)} ms, p90 ${quantile(cpu, 0.9).toFixed(1)} ms; ` +
      `wall median ${quantile(wall, 0.5).toFixed(1)} ms, p90 ${quantile(wall, 0.9).toFixed(1)} ms`,
  );
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}
