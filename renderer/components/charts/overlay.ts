// Several runs' curves on one chart: uPlot draws series that share one x column, so the
// runs' (step, value) lists are joined on the union of their steps, with gaps (null)
// where a run has no point; the chart spans the gaps.
import uPlot from 'uplot';

export interface Curve {
  x: readonly number[];
  y: readonly number[];
}

/** [unionX, y1, y2, …] with null where a curve has no value at that x. */
export function overlayCurves(curves: readonly Curve[]): (number | null)[][] {
  if (curves.length === 0) return [[]];
  const tables = curves.map((curve) => [curve.x as number[], curve.y as number[]] as uPlot.AlignedData);
  return uPlot.join(tables) as unknown as (number | null)[][];
}
