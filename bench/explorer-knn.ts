// kNN query latency of the explorer's exact cosine index (main/services/explorer/
// cosine-index.ts) for 10k and 100k random embeddings of dimension 512 (and 100k × 128), k = 12.
// Prints the median and p90 of single queries, as CPU time of this thread (the machine
// is shared: wall time mostly measures the other processes) and as wall time.
// Target: < 50 ms at 100k.
// For comparison it also times the same product as one tf.matMul on the wasm backend
// (XNNPACK, SIMD) with the matrix resident as a tensor — what a worker-side index would
// cost per query (without the round trip to the worker).
// Run: node_modules/.bin/node bench/explorer-knn.ts
import { CosineIndex, selectTopK } from '../main/services/explorer/cosine-index.ts';
import { selectBackend } from '../worker/backend.ts';

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

const { tf } = await selectBackend('wasm', () => {});

// D = 512 is h of a width-1 ResNet-18; 128 of the app's default width 0.25.
for (const [rows, DIM] of [[10_000, 512], [100_000, 512], [100_000, 128]] as const) {
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
  // The same query as a wasm matMul: unit [rows, D] · q [D, 1] → [rows, 1], then the same top-k.
  const unit = tf.tensor2d(index.unit, [rows, DIM]);
  const tfCpu: number[] = [];
  for (let q = 0; q < QUERIES + 3; q++) {
    const startCpu = process.cpuUsage();
    const query = tf.tensor2d(index.rowVector((q * 7919) % rows), [DIM, 1]);
    const scores = tf.matMul(unit, query); // [rows, 1]
    selectTopK((await scores.data()) as Float32Array, 12);
    tf.dispose([query, scores]);
    const used = process.cpuUsage(startCpu);
    if (q >= 3) tfCpu.push((used.user + used.system) / 1000);
  }
  unit.dispose();
  console.log(`  same on tf wasm matMul (resident tensor): query CPU median ${quantile(tfCpu, 0.5).toFixed(1)} ms, p90 ${quantile(tfCpu, 0.9).toFixed(1)} ms`);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}
