// How a running scan is described under its progress bar.
import type { DatasetSummary, ScanProgress } from '../../../main/api/contract.ts';
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

/**
 * The number of images to show for a folder: its catalogue count, plus what a running
 * scan has added (and minus what it found removed) so far, so the counts move with the
 * grid instead of waiting for the scan to finish.
 */
export function liveImageCount(dataset: DatasetSummary, progress: ScanProgress | null | undefined): number {
  return progress ? Math.max(0, dataset.imageCount + progress.added - progress.removed) : dataset.imageCount;
}
