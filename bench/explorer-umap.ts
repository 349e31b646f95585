// Projection time of the explorer's map: UMAP (umap-js, seeded, as the 'project' worker
// job runs it) on 10k points, and PCA on 10k and 100k. Points: 20 gaussian clusters in
// D = 128 (the width of h for the default encoder, ResNet-18 at width 0.25).
// Prints wall and CPU time (the machine is shared; CPU time is the fairer number).
// Run: node_modules/.bin/node bench/explorer-umap.ts [points=10000]
import { projectEmbeddings } from '../worker/projection.ts';
import { createRng } from '../worker/simclr/rng.ts';

const DIM = 128;

function clustered(rows: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: DIM }, () => rng.uniform(-1, 1)));
  const out = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    const c = centres[r % centres.length]!;
    for (let d = 0; d < DIM; d++) out[r * DIM + d] = c[d]! + rng.uniform(-0.4, 0.4);
  }
  return out;
}

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  console.log(`${label}: wall ${((performance.now() - wall) / 1000).toFixed(1)} s, CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`);
}

const points = Number(process.argv[2] ?? 10_000);
const small = clustered(points, 1);
await time(`PCA ${points.toLocaleString('en')} × ${DIM}`, () => projectEmbeddings(small, points, DIM, 'pca', { seed: 1 }));
const large = clustered(100_000, 2);
await time(`PCA 100,000 × ${DIM}`, () => projectEmbeddings(large, 100_000, DIM, 'pca', { seed: 1 }));
let epochs = 0;
await time(`UMAP ${points.toLocaleString('en')} × ${DIM}`, () => projectEmbeddings(small, points, DIM, 'umap', { seed: 1, onProgress: (_d, t) => (epochs = t) }));
console.log(`(UMAP ran ${epochs} epochs)`);
