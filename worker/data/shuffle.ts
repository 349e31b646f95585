// The order of the images in an epoch: a seeded Fisher–Yates shuffle that is a pure
// function of (seed, epoch). Being pure, resuming mid-run needs no data-loader state in
// the checkpoint: epoch e's order is recomputed and the first (step·B) images skipped.

/** splitmix32: a small, well-mixed 32-bit generator; enough for shuffling. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 0x1_0000_0000;
  };
}

/** A permutation of 0..n-1 for the given seed and epoch. */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const random = splitmix32(Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.imul(epoch + 1, 0x165667b1));
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
