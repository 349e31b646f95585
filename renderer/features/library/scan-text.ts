// How a running scan is described under its progress bar.
import type { ScanProgress } from '../../../main/api/contract.ts';
import { formatCount, plural } from '../../lib/format.ts';

export function scanProgressText(progress: ScanProgress): string {
  if (progress.phase === 'listing') return progress.processed > 0 ? `Looking for images… ${plural(progress.processed, 'file')} found` : 'Looking for images…';
  const parts = [`${formatCount(progress.processed)} of ${plural(progress.total, 'file')} read`];
  if (progress.added > 0) parts.push(`${formatCount(progress.added)} new`);
  if (progress.changed > 0) parts.push(`${formatCount(progress.changed)} changed`);
  if (progress.skipped > 0) parts.push(`${formatCount(progress.skipped)} skipped`);
  return parts.join(' · ');
}

/** The bar's value: null (indeterminate) until the total is known. */
export function scanProgressValue(progress: ScanProgress): number | null {
  return progress.phase === 'listing' || progress.total === 0 ? null : progress.processed;
}
