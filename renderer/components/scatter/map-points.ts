// The map's bulk data as typed arrays: what the WebGL scatter draws. Built once per
// projection from the API's JSON (number arrays) so that 100,000 points cost four
// typed arrays, not 100,000 objects.
import type { Projection } from '../../../main/api/contract.ts';

export interface MapPoints {
  readonly count: number;
  /** x and y in [-1, 1] (the projection is scaled so by main). */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /**
   * Colour category per point: the index of its label (first sub-folder), and
   * `labels.length` for images at the dataset root (drawn grey, "(root)" in the legend).
   */
  readonly category: Float32Array;
  /** Palette slot per point (index into MAP_PALETTE): the label's colour, or the root grey. */
  readonly colourSlot: Float32Array;
  readonly imageIds: Int32Array;
  readonly relPaths: readonly string[];
  readonly labels: readonly string[];
  /** Whether some images sit at the root (they get the extra grey category). */
  readonly hasRoot: boolean;
}

export function mapPointsFrom(projection: Projection): MapPoints {
  const count = projection.count;
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  const category = new Float32Array(count);
  const colourSlot = new Float32Array(count);
  const rootCategory = projection.labels.length;
  let hasRoot = false;
  for (let i = 0; i < count; i++) {
    x[i] = projection.coordinates[2 * i]!;
    y[i] = projection.coordinates[2 * i + 1]!;
    const label = projection.labelIndex[i]!;
    if (label < 0) hasRoot = true;
    category[i] = label < 0 ? rootCategory : label;
    colourSlot[i] = label < 0 ? ROOT_SLOT : label % CATEGORY_COLOURS.length;
  }
  return { count, x, y, category, colourSlot, imageIds: Int32Array.from(projection.imageIds), relPaths: projection.relPaths, labels: projection.labels, hasRoot };
}

/** Index of each image id in the points, for selecting points named by id (neighbours, lists). */
export function indexById(points: MapPoints): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < points.count; i++) map.set(points.imageIds[i]!, i);
  return map;
}

/**
 * Tableau 10: distinct categorical colours readable on light and dark backgrounds.
 * Labels beyond ten reuse them (the legend says which is which).
 */
const CATEGORY_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf'];
export const ROOT_COLOUR = '#9aa3b2';
/** The map's palette: the category colours, then the grey of images at the root. */
export const MAP_PALETTE: readonly string[] = [...CATEGORY_COLOURS, ROOT_COLOUR];
const ROOT_SLOT = CATEGORY_COLOURS.length;

/** The colour of label i (the legend's swatch), or of the root category when i is null. */
export function labelColour(i: number | null): string {
  return i === null ? ROOT_COLOUR : CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!;
}

/** Point size in CSS pixels: large enough to hit with a mouse for few points, small for many. */
export function pointSizeFor(count: number): number {
  if (count <= 200) return 10;
  if (count <= 5_000) return 6;
  if (count <= 50_000) return 3;
  return 2;
}
