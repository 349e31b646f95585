// `simclr-studio scan <folder> [--data-dir D] [--json]`: adds a folder to the library
// (or re-scans it if it is already there) and reports what was found. With --json the
// last line of standard output is exactly
// {"dataset_id","images","added","changed","removed","skipped":[{"path","reason"}]}.
// Ctrl-C cancels the scan cleanly (what was recorded stays) and exits with 130.
import type { ScanProgress, ScanResult } from '../api/contract.ts';
import { defaultDataDir } from '../data-dir.ts';
import { createStudio } from '../services/studio.ts';
import { CliError, parseCommandArgs, printJson } from './common.ts';
import { ProgressLine } from './progress-line.ts';

const USAGE = `usage: simclr-studio scan <folder> [--data-dir D] [--json]

Adds <folder> to the image library, or re-scans it if it is already there, and
lists the files that were skipped and why. The images are never modified.

  --data-dir D   where the library is kept (default: ${defaultDataDir()})
  --json         print one JSON object as the last line`;

/** Errors whose message is meant for the user (bad path, unwritable data dir, damaged database). */
const USER_ERRORS = new Set(['LibraryError', 'DataDirError', 'DatabaseCorruptError', 'DatabaseTooNewError', 'DatabaseOpenError']);

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'scan');
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`scan: expected exactly one folder, got ${positionals.length}\n\n${USAGE}`);
  const folder = positionals[0]!;
  const json = values.json ?? false;

  try {
    const studio = await createStudio({ dataDir: values['data-dir'] ?? defaultDataDir(), transport: 'web', thumbnailsAfterScan: false });
    try {
      // On a terminal only, on stderr (like the other commands): --json's stdout is untouched.
      const progress = new ProgressLine(process.stderr);
      // Ctrl-C: stop reading files, keep what was recorded, report, exit 130.
      const scanning = new Set<number>();
      const offProgress = studio.events.on('scanProgress', (p) => {
        scanning.add(p.datasetId);
        progress.update(progressText(p), progressFraction(p));
      });
      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
        for (const datasetId of scanning) void studio.api.cancelScan({ datasetId });
      };
      process.on('SIGINT', onSigint);
      let result: ScanResult;
      try {
        result = await studio.api.addDataset({ path: folder });
      } finally {
        process.off('SIGINT', onSigint);
        offProgress();
        progress.done();
      }
      if (json) {
        printJson({ dataset_id: result.datasetId, images: result.images, added: result.added, changed: result.changed, removed: result.removed, skipped: result.skipped });
      } else {
        console.log(summary(folder, result));
      }
      return interrupted || result.cancelled ? 130 : 0;
    } finally {
      await studio.close();
    }
  } catch (error) {
    if (error instanceof Error && USER_ERRORS.has(error.name)) throw new CliError(`scan: ${error.message}`);
    throw error;
  }
}

function progressText(p: ScanProgress): string {
  if (p.phase === 'listing') return 'listing files…';
  return `reading ${p.processed}/${p.total} · ${p.added} added · ${p.skipped} skipped`;
}

/** Listing has no total yet (an empty bar); a scan that found nothing is complete. */
function progressFraction(p: ScanProgress): number {
  if (p.phase === 'listing') return 0;
  return p.total > 0 ? p.processed / p.total : 1;
}

function summary(folder: string, r: ScanResult): string {
  const lines = [
    `${r.cancelled ? 'Scan cancelled' : 'Scanned'} ${folder} (dataset ${r.datasetId}): ${count(r.images, 'image')} — ${r.added} added, ${r.changed} changed, ${r.removed} removed, ${r.skipped.length} skipped.`,
  ];
  if (r.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const s of r.skipped) lines.push(`  ${s.reason}`);
  }
  return lines.join('\n');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
