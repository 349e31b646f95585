// Small display helpers shared by the screens.

const numberFormat = new Intl.NumberFormat('en');

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 image", "1,234 images". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** The last segment of a '/'-separated relative path. */
export function fileName(relPath: string): string {
  return relPath.slice(relPath.lastIndexOf('/') + 1);
}

// One definition for main, the worker and the screens (a plain function, no Node imports).
export { errorMessage } from '../../main/error-message.ts';
