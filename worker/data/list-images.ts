// A light listing of the files under a folder, for training, embedding and evaluation
// straight from a folder (the CLI) without the library's catalogue. It does not judge
// content: every candidate is handed to the decoder, and a file sharp cannot read is
// skipped and reported with sharp's reason.
// - Recursive; hidden entries (".name") and system folders/files are passed over, by
//   the same rules as the library's scanner (main/services/library/system-names.ts).
// - Symlinked FILES are followed; symlinked directories are not (no loops).
// - Sorted by relative path (code-point order), so every run sees the same list.
// - label: the first folder under the root ("cats/a.jpg" → "cats"), "" for files at
//   the root. Evaluation uses it as the class.
import fs from 'node:fs/promises';
import path from 'node:path';
import { isIgnoredFile, isIgnoredFolder } from '../../main/services/library/system-names.ts';

export interface ImageFile {
  readonly path: string;
  /** Relative to the root, with '/' separators on every platform. */
  readonly relativePath: string;
  readonly label: string;
}

export async function listImageFiles(root: string): Promise<ImageFile[]> {
  const stat = await fs.stat(root).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `folder not found: ${root}` : `cannot read folder ${root}: ${error.message}`);
  });
  if (!stat.isDirectory()) throw new Error(`not a folder: ${root}`);
  const found: ImageFile[] = [];
  await walk(path.resolve(root), '', found);
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

async function walk(absolute: string, relative: string, found: ImageFile[]): Promise<void> {
  const entries = await fs.readdir(absolute, { withFileTypes: true });
  for (const entry of entries) {
    const childAbsolute = path.join(absolute, entry.name);
    const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (isIgnoredFolder(entry.name)) continue;
      await walk(childAbsolute, childRelative, found);
    } else if (isIgnoredFile(entry.name)) {
      continue;
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(childAbsolute)))) {
      const slash = childRelative.indexOf('/');
      found.push({ path: childAbsolute, relativePath: childRelative, label: slash < 0 ? '' : childRelative.slice(0, slash) });
    }
  }
}

async function isFile(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isFile() ?? false;
}
