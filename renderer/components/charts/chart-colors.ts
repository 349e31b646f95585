// Series colours for the charts, read from the page's CSS custom properties so they
// follow the light/dark palette (renderer/styles.css). Canvas drawing needs concrete
// colour strings, hence the lookup at chart creation.

/** Distinguishable in both schemes; the first is the app's accent. */
const SERIES_VARIABLES = ['--accent', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'] as const;
const FALLBACKS = ['#3562d4', '#d9480f', '#2b8a3e', '#9c36b5', '#e67700', '#0b7285'] as const;

export interface ChartColors {
  series: string[];
  text: string;
  grid: string;
}

export function chartColors(element: Element): ChartColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    series: SERIES_VARIABLES.map((name, i) => read(name, FALLBACKS[i]!)),
    text: read('--text-muted', '#5d6676'),
    grid: read('--border', '#dfe2e8'),
  };
}
