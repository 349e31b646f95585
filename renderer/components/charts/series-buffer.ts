// Columnar, append-only storage of a run's step metrics for the live charts. The arrays
// are the ones uPlot draws from (AlignedData: [x, y1, y2, …]), so appending a few
// steps costs O(new steps): nothing is copied or rebuilt per event.
//
// A resumed run replaces its metrics after the checkpoint it continued from, so a step
// that is not past the last one truncates the columns back to before it first.

/** One point per step: x is the global step, then one value per series. */
export interface SeriesPoint {
  x: number;
  ys: readonly number[];
}

export class SeriesBuffer {
  /** [x, ...series]: the uPlot AlignedData, mutated in place. */
  readonly columns: number[][];
  /** Bumped on every change, so a chart can tell that it must redraw. */
  version = 0;

  constructor(seriesCount: number) {
    this.columns = Array.from({ length: seriesCount + 1 }, () => []);
  }

  get length(): number {
    return this.columns[0]!.length;
  }

  get lastX(): number | null {
    const xs = this.columns[0]!;
    return xs.length === 0 ? null : xs[xs.length - 1]!;
  }

  /** The newest value of series `index` (0-based, without x), or null. */
  latest(index: number): number | null {
    const column = this.columns[index + 1]!;
    return column.length === 0 ? null : column[column.length - 1]!;
  }

  append(points: readonly SeriesPoint[]): void {
    if (points.length === 0) return;
    for (const point of points) {
      const last = this.lastX;
      if (last !== null && point.x <= last) this.#truncateFrom(point.x);
      this.columns[0]!.push(point.x);
      for (let i = 0; i < point.ys.length; i++) this.columns[i + 1]!.push(point.ys[i]!);
    }
    this.version++;
  }

  clear(): void {
    for (const column of this.columns) column.length = 0;
    this.version++;
  }

  /** Drops every point with x ≥ `x` (binary search: x is ascending). */
  #truncateFrom(x: number): void {
    const xs = this.columns[0]!;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    for (const column of this.columns) column.length = lo;
  }
}
