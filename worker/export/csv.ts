// The CSV that accompanies an embeddings .npy: row i describes row i of the matrix.
// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled.
import { writeFileAtomic } from '../files.ts';

export interface EmbeddedImageRow {
  readonly path: string;
  readonly label: string;
}

/** F.npy → F.csv (any other name gets .csv appended): the paths CSV beside an embeddings file. */
export function csvPathFor(npyPath: string): string {
  return npyPath.toLowerCase().endsWith('.npy') ? `${npyPath.slice(0, -4)}.csv` : `${npyPath}.csv`;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** "index,path,label" then one line per image, in the order of the embeddings. */
export function pathsCsv(rows: readonly EmbeddedImageRow[]): string {
  const lines = ['index,path,label', ...rows.map((r, i) => `${i},${csvField(r.path)},${csvField(r.label)}`)];
  return `${lines.join('\n')}\n`;
}

export async function writePathsCsv(target: string, rows: readonly EmbeddedImageRow[]): Promise<void> {
  await writeFileAtomic(target, pathsCsv(rows));
}
