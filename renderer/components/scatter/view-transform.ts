// The map's camera as a pure value: which data point is at the centre and how far it is
// zoomed in. Data coordinates are in [-1, 1] (the projection is scaled so by main); at
// zoom 1 that square fits the shorter side of the canvas with a small margin. Screen
// coordinates are CSS pixels from the canvas's top-left, y downwards.

export interface View {
  /** Data coordinates at the centre of the canvas. */
  readonly cx: number;
  readonly cy: number;
  readonly zoom: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export const INITIAL_VIEW: View = { cx: 0, cy: 0, zoom: 1 };
const MARGIN = 0.9;
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 5000;

/** CSS pixels per data unit. */
export function pixelsPerUnit(view: View, size: Size): number {
  return ((MARGIN * Math.min(size.width, size.height)) / 2) * view.zoom;
}

export function toScreen(view: View, size: Size, x: number, y: number): { x: number; y: number } {
  const k = pixelsPerUnit(view, size);
  return { x: size.width / 2 + (x - view.cx) * k, y: size.height / 2 - (y - view.cy) * k };
}

export function toData(view: View, size: Size, sx: number, sy: number): { x: number; y: number } {
  const k = pixelsPerUnit(view, size);
  return { x: view.cx + (sx - size.width / 2) / k, y: view.cy - (sy - size.height / 2) / k };
}

/** Zooms by `factor` keeping the data point under the screen position (sx, sy) in place. */
export function zoomAt(view: View, size: Size, sx: number, sy: number, factor: number): View {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * factor));
  const anchor = toData(view, size, sx, sy);
  const k = pixelsPerUnit({ ...view, zoom }, size);
  return { zoom, cx: anchor.x - (sx - size.width / 2) / k, cy: anchor.y + (sy - size.height / 2) / k };
}

/** Moves the view with the pointer by (dx, dy) CSS pixels. */
export function panBy(view: View, size: Size, dx: number, dy: number): View {
  const k = pixelsPerUnit(view, size);
  return { ...view, cx: view.cx - dx / k, cy: view.cy + dy / k };
}

/**
 * The uniforms of the vertex shader: clip = (data − centre) · scale, per axis.
 * Returns [scaleX, scaleY] in clip units per data unit.
 */
export function clipScale(view: View, size: Size): [number, number] {
  const k = pixelsPerUnit(view, size);
  return [k / (size.width / 2), k / (size.height / 2)];
}
