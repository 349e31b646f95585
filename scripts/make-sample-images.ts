// Makes the labelled sample folder behind "Try with sample images":
//   assets/sample-images/<label>/<label>-NN.png
// Real photos cannot be downloaded on the build machine and most cannot be shipped
// anyway, so the samples are synthetic and generated deterministically (seeded PRNG,
// PNG written by sharp without metadata): four classes defined by SHAPE — stripes,
// checks, dots, rings — each image in two random colours drawn from the same palette
// for every class, with random orientation, scale, phase and mild pixel noise.
//
// Why these: colour says nothing about the class, so an encoder that groups images
// by colour scores near chance on kNN, while SimCLR's colour distortion (paper §3,
// App. A) pushes the encoder to ignore colour and keep shape — the samples can
// show the difference between a random encoder and a pretrained one.
//
// Run: node_modules/.bin/node scripts/make-sample-images.ts [outDir]
// (default outDir: assets/sample-images; the files there are committed and shipped
// through electron-builder's extraResources).
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const SAMPLE_LABELS = ['stripes', 'checks', 'dots', 'rings'] as const;
export type SampleLabel = (typeof SAMPLE_LABELS)[number];

export interface SampleOptions {
  readonly perClass: number;
  /** Side of each square image in pixels. */
  readonly size: number;
  readonly seed: number;
}

export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = { perClass: 16, size: 64, seed: 20200213 };

/** Shapes are drawn at this multiple of the final size, then downsampled (anti-aliasing). */
const SUPERSAMPLE = 2;

/** mulberry32: a small, well-known 32-bit PRNG; same seed → same images on every machine. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rgb = readonly [number, number, number];
/** Pattern value in [0, 1] at (x, y), both in [0, 1) image coordinates. */
type Pattern = (x: number, y: number) => number;

function between(random: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/** A saturated colour of random hue (HSV with s, v in upper ranges) as 0–255 RGB. */
function randomColour(random: () => number): Rgb {
  const h = random() * 6;
  const s = between(random, 0.45, 0.95);
  const v = between(random, 0.35, 1);
  const f = h - Math.floor(h);
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const sector = Math.floor(h) % 6;
  const rgb = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][sector]!;
  return [rgb[0]! * 255, rgb[1]! * 255, rgb[2]! * 255];
}

/** Two colours far enough apart in brightness that the shape stays visible in grayscale. */
function colourPair(random: () => number): [Rgb, Rgb] {
  for (;;) {
    const a = randomColour(random);
    const b = randomColour(random);
    const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    if (Math.abs(luma(a) - luma(b)) > 60) return [a, b];
  }
}

function rotate(x: number, y: number, angle: number): [number, number] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [x * c - y * s, x * s + y * c];
}

const patterns: Record<SampleLabel, (random: () => number) => Pattern> = {
  stripes(random) {
    const angle = random() * Math.PI;
    const cycles = between(random, 3, 7);
    const phase = random() * 2 * Math.PI;
    return (x, y) => {
      const [u] = rotate(x - 0.5, y - 0.5, angle);
      return Math.sin(2 * Math.PI * cycles * u + phase) > 0 ? 1 : 0;
    };
  },
  checks(random) {
    const angle = random() * Math.PI;
    const cells = between(random, 3, 6);
    const [ox, oy] = [random(), random()];
    return (x, y) => {
      const [u, v] = rotate(x - 0.5, y - 0.5, angle);
      return (Math.floor(u * cells + ox) + Math.floor(v * cells + oy)) & 1;
    };
  },
  dots(random) {
    const count = Math.floor(between(random, 4, 10));
    const dots = Array.from({ length: count }, () => ({ x: random(), y: random(), r: between(random, 0.06, 0.14) }));
    return (x, y) => (dots.some((d) => (x - d.x) ** 2 + (y - d.y) ** 2 < d.r * d.r) ? 1 : 0);
  },
  rings(random) {
    const [cx, cy] = [between(random, 0.2, 0.8), between(random, 0.2, 0.8)];
    const spacing = between(random, 0.1, 0.2);
    return (x, y) => (Math.sin((2 * Math.PI * Math.hypot(x - cx, y - cy)) / spacing) > 0 ? 1 : 0);
  },
};

/** Renders one image as raw RGB at SUPERSAMPLE × size; returns the pixels. */
function render(label: SampleLabel, size: number, random: () => number): Buffer {
  const pattern = patterns[label](random);
  const [background, foreground] = colourPair(random);
  const side = size * SUPERSAMPLE;
  const pixels = Buffer.alloc(side * side * 3);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const t = pattern(col / side, row / side);
      const noise = (random() - 0.5) * 24;
      for (let channel = 0; channel < 3; channel++) {
        const value = background[channel]! * (1 - t) + foreground[channel]! * t + noise;
        pixels[(row * side + col) * 3 + channel] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return pixels;
}

/** Writes perClass PNGs for each label into outDir/<label>/ and returns their relative paths. */
export async function makeSampleImages(outDir: string, options: SampleOptions = DEFAULT_SAMPLE_OPTIONS): Promise<string[]> {
  if (!Number.isInteger(options.perClass) || options.perClass < 1) throw new Error(`perClass must be a positive integer, got ${options.perClass}`);
  if (!Number.isInteger(options.size) || options.size < 8) throw new Error(`size must be an integer ≥ 8, got ${options.size}`);
  const random = makeRandom(options.seed);
  const written: string[] = [];
  for (const label of SAMPLE_LABELS) {
    await fs.mkdir(path.join(outDir, label), { recursive: true });
    for (let i = 1; i <= options.perClass; i++) {
      const raw = render(label, options.size, random);
      const side = options.size * SUPERSAMPLE;
      const relPath = `${label}/${label}-${String(i).padStart(2, '0')}.png`;
      const png = await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
        .resize(options.size, options.size, { kernel: 'lanczos3' })
        .png({ compressionLevel: 9, palette: false })
        .toBuffer();
      await fs.writeFile(path.join(outDir, relPath), png);
      written.push(relPath);
    }
  }
  return written;
}

if (import.meta.main) {
  const outDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'assets', 'sample-images'));
  const files = await makeSampleImages(outDir);
  let bytes = 0;
  for (const file of files) bytes += (await fs.stat(path.join(outDir, file))).size;
  console.log(`wrote ${files.length} images (${SAMPLE_LABELS.join(', ')}) to ${outDir}, ${(bytes / 1024).toFixed(0)} KiB`);
}
