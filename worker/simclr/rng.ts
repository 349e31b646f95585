// A small seedable PRNG whose whole state is four 32-bit integers, so a training run
// can save it in a checkpoint and resume on exactly the same random stream.
//
// Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from
// PractRand), seeded through splitmix32 so nearby seeds give unrelated streams. All
// randomness of the augmentations is drawn here in JS (not with tf.random*), which makes
// the views identical on every backend.

/** The generator's complete state: four unsigned 32-bit integers. JSON-serialisable. */
export type RngState = readonly [number, number, number, number];

export interface Rng {
  /** A float uniformly distributed in [0, 1). */
  next(): number;
  /** A float uniformly distributed in [low, high). */
  uniform(low: number, high: number): number;
  /** An integer uniformly distributed in [0, n). */
  int(n: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** A copy of the current state; restoreRng(state) continues the stream from here. */
  state(): RngState;
}

/** splitmix32: expands one seed into well-mixed 32-bit words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator seeded by any integer (only its low 32 bits matter). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`rng seed must be an integer, got ${seed}`);
  const mix = splitmix32(seed);
  const rng = restoreRng([mix(), mix(), mix(), mix()]);
  // Discard the first outputs: sfc32 needs a few rounds to decorrelate from its seed.
  for (let i = 0; i < 12; i++) rng.next();
  return rng;
}

/** A generator continuing exactly where the one that produced `state` was. */
export function restoreRng(state: RngState): Rng {
  if (!Array.isArray(state) || state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    throw new TypeError(`rng state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
  }
  let [a, b, c, d] = state;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int needs a positive integer bound, got ${n}`);
      return Math.floor(next() * n);
    },
    bernoulli: (p) => next() < p,
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}
