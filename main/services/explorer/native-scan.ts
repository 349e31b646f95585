// Candidate rows for an exact cosine top-k from usearch's brute-force inner-product scan
// (`exactSearch`: N-API, SIMD kernels; ≈ 2.5× faster per query than the JS loop, see
// cosine-index.ts). usearch is only a filter here: it returns the `count` rows with
// the largest float32 dot products, which cosine-index.ts re-scores in the JS
// arithmetic and checks against a rounding bound, so the final answer is the exact one.
//
// Loaded lazily (createRequire, so bundles leave it as a runtime require from
// node_modules, unpacked from the asar by electron-builder.yml). If the native module
// cannot be loaded on this platform the explorer keeps working on the JS scan: slower,
// same results; the reason is printed once.
import { createRequire } from 'node:module';
import { errorMessage } from '../../error-message.ts';

interface Usearch {
  exactSearch(dataset: Float32Array, queries: Float32Array, dimensions: number, count: number, metric: 'ip', threads: number): { keys: BigUint64Array; distances: Float32Array };
}

export interface Candidates {
  /** Row indices, most similar first (by usearch's float32 product; ties in no fixed order). */
  readonly rows: Int32Array;
  /** usearch's float32 dot products, same order (non-increasing). */
  readonly dots: Float32Array;
}

let loaded: Usearch | null | undefined;

function usearch(): Usearch | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('usearch') as Usearch;
  } catch (error) {
    loaded = null;
    console.error(`explorer: the usearch native module could not be loaded (${errorMessage(error)}); neighbour queries use the slower JS scan`);
  }
  return loaded;
}

/** Whether the native scan is available (false: callers use the JS scan). */
export function nativeScanAvailable(): boolean {
  return usearch() !== null;
}

/**
 * The `count` rows of `unit` ([rows, dim] row-major) with the largest dot product with
 * `query` ([dim]), or null when the native module is not available. 1 ≤ count ≤ rows.
 * Runs on the calling thread (one thread: the other core belongs to training).
 */
export function nativeCandidates(unit: Float32Array, rows: number, dim: number, query: Float32Array, count: number): Candidates | null {
  const lib = usearch();
  if (!lib) return null;
  if (!(count >= 1 && count <= rows)) throw new RangeError(`native scan: count ${count} outside 1..${rows}`);
  // usearch reads from the start of the ArrayBuffer and ignores a view's byteOffset.
  const dataset = unit.byteOffset === 0 ? unit : unit.slice(0, rows * dim);
  const q = query.byteOffset === 0 && query.length === dim ? query : query.slice(0, dim);
  const found = lib.exactSearch(dataset, q, dim, count, 'ip', 1);
  const out = { rows: new Int32Array(count), dots: new Float32Array(count) };
  for (let i = 0; i < count; i++) {
    out.rows[i] = Number(found.keys[i]!);
    out.dots[i] = 1 - found.distances[i]!; // the 'ip' metric's distance is 1 − a·q
  }
  return out;
}
