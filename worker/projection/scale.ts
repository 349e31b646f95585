// Map coordinates into a fixed frame so every projection draws the same way: centred on
// the bounding box, the longer side spanning [-1, 1], aspect kept. A single point (or
// all points equal) lands at the origin.

/** In place on [rows, 2] row-major; returns the same array. */
export function scaleToUnitBox(xy: Float32Array): Float32Array {
  const rows = xy.length / 2;
  if (rows === 0) return xy;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let r = 0; r < rows; r++) {
    const x = xy[2 * r]!;
    const y = xy[2 * r + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const half = Math.max(maxX - minX, maxY - minY) / 2;
  const scale = half > 0 && Number.isFinite(half) ? 1 / half : 0;
  for (let r = 0; r < rows; r++) {
    xy[2 * r] = (xy[2 * r]! - cx) * scale;
    xy[2 * r + 1] = (xy[2 * r + 1]! - cy) * scale;
  }
  return xy;
}
