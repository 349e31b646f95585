// The files under a folder, for training, embedding and evaluation straight from a
// folder (the CLI) without the library's catalogue. Listed by the library scanner's own
// walker (main/services/library/walk.ts), so the CLI reads the same files the app
// shows for that folder:
// - Recursive; hidden entries (".name") and system folders/files are passed over.
// - A link to a file inside the folder is followed. Links that leave the folder, links
//   to folders, broken links, and a second name for a file already listed (a hard link,
//   a link inside the folder) are refused with the library's reason; so is a
//   sub-folder that cannot be opened (it does not stop the listing).
// - Content is not judged here: every listed file is handed to the decoder, which skips
//   what it cannot read and says why.
// - Sorted by relative path (code-unit order), so every run sees the same list (a
//   checkpoint's dataset fingerprint depends on it).
// - label: the first folder under the root ("cats/a.jpg" → "cats"), "" for files at
//   the root. Evaluation uses it as the class.
import fs from 'node:fs/promises';
import path from 'node:path';
import { listFolder } from '../../main/services/library/walk.ts';
import type { SkippedImage } from './dataset.ts';

export interface ImageFile {
  readonly path: string;
  /** Relative to the root, with '/' separators on every platform. */
  readonly relativePath: string;
  readonly label: string;
}

export interface FolderListing {
  readonly files: ImageFile[];
  /** Entries the listing refused, by absolute path, with the reason. */
  readonly refused: SkippedImage[];
}

/** Throws with a clear message when `root` is missing or not a folder. */
export async function listFolderImages(root: string): Promise<FolderListing> {
  const stat = await fs.stat(root).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `folder not found: ${root}` : `cannot read folder ${root}: ${error.message}`);
  });
  if (!stat.isDirectory()) throw new Error(`not a folder: ${root}`);
  // The walker wants the real path (it checks that links stay inside it); the paths we
  // return stay under the root as given, so messages show the folder the user named.
  const absoluteRoot = path.resolve(root);
  const entries = await listFolder(await fs.realpath(absoluteRoot));
  const at = (relativePath: string) => path.join(absoluteRoot, ...relativePath.split('/'));
  const files: ImageFile[] = [];
  const refused: SkippedImage[] = [];
  for (const entry of entries) {
    if (entry.kind === 'problem') {
      refused.push({ path: at(entry.relPath), reason: entry.reason });
      continue;
    }
    files.push({ path: at(entry.relPath), relativePath: entry.relPath, label: labelOf(entry.relPath) });
  }
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return { files, refused };
}

/** An image's label: the first folder of its '/'-separated relative path, '' at the root. */
export function labelOf(relativePath: string): string {
  const slash = relativePath.indexOf('/');
  return slash < 0 ? '' : relativePath.slice(0, slash);
}

/** The listed files only (callers that do not report refused entries). */
export async function listImageFiles(root: string): Promise<ImageFile[]> {
  return (await listFolderImages(root)).files;
}
