// Which points are under the pointer or inside a lasso, in screen space. A linear scan:
// 100,000 points take well under a millisecond, less than building an index would cost
// for every pan and zoom.
import { pixelsPerUnit, type Size, type View } from './view-transform.ts';

/**
 * The point nearest to (sx, sy) within `radius` CSS pixels, or -1. Of equally near points
 * (duplicates in the projection) the lowest index wins, so a click is repeatable.
 */
export function nearestPoint(x: Float32Array, y: Float32Array, view: View, size: Size, sx: number, sy: number, radius: number): number {
  const k = pixelsPerUnit(view, size);
  // Compare in data units: no per-point transform.
  const qx = view.cx + (sx - size.width / 2) / k;
  const qy = view.cy - (sy - size.height / 2) / k;
  const radiusSquared = (radius / k) ** 2;
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - qx;
    const dy = y[i]! - qy;
    const distance = dx * dx + dy * dy;
    // Strictly nearer only: a later point at the same distance does not replace an earlier one.
    if (distance <= radiusSquared && distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/** Indices of the points inside a polygon given in data coordinates [x0, y0, x1, y1, …] (even-odd rule). */
export function pointsInPolygon(x: Float32Array, y: Float32Array, polygon: readonly number[]): number[] {
  const n = polygon.length / 2;
  if (n < 3) return [];
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let j = 0; j < n; j++) {
    minX = Math.min(minX, polygon[2 * j]!);
    maxX = Math.max(maxX, polygon[2 * j]!);
    minY = Math.min(minY, polygon[2 * j + 1]!);
    maxY = Math.max(maxY, polygon[2 * j + 1]!);
  }
  const inside: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const px = x[i]!;
    const py = y[i]!;
    if (px < minX || px > maxX || py < minY || py > maxY) continue;
    let odd = false;
    for (let a = 0, b = n - 1; a < n; b = a++) {
      const ax = polygon[2 * a]!;
      const ay = polygon[2 * a + 1]!;
      const bx = polygon[2 * b]!;
      const by = polygon[2 * b + 1]!;
      if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) odd = !odd;
    }
    if (odd) inside.push(i);
  }
  return inside;
}

/**
 * Keyboard navigation: the point an arrow key moves the focus to from point `from`, or -1.
 * (dx, dy) is the arrow's direction in data coordinates (y up, so ArrowUp is (0, 1)); the
 * data → screen scale is the same on both axes, so data distances rank as screen ones.
 * The nearest point within 45° of the arrow wins; when none is, the nearest point anywhere
 * ahead of it (so no point is unreachable). Points at the same position as `from` are not
 * ahead in any direction. Ties go to the lowest index.
 */
export function nearestInDirection(x: Float32Array, y: Float32Array, from: number, dx: number, dy: number): number {
  const ox = x[from]!;
  const oy = y[from]!;
  let bestInCone = -1;
  let bestInConeDistance = Infinity;
  let bestAhead = -1;
  let bestAheadDistance = Infinity;
  for (let i = 0; i < x.length; i++) {
    const px = x[i]! - ox;
    const py = y[i]! - oy;
    const along = px * dx + py * dy;
    if (along <= 0) continue;
    const across = Math.abs(px * dy - py * dx);
    const distance = px * px + py * py;
    if (across <= along && distance < bestInConeDistance) {
      bestInCone = i;
      bestInConeDistance = distance;
    }
    if (distance < bestAheadDistance) {
      bestAhead = i;
      bestAheadDistance = distance;
    }
  }
  return bestInCone >= 0 ? bestInCone : bestAhead;
}
