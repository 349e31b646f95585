// Lists every candidate file under a dataset root (the "listing" phase of a scan).
//
// Symlinks: a link to a file inside the root is listed (it reads like the file); a
// link that leaves the root is not followed, because thumbnails and training only
// read files inside registered folders (see safe-path.ts); links to folders are never
// followed, so a link back to a parent cannot loop and a folder cannot be catalogued
// twice. Real folders are also tracked by device+inode, which stops loops made by bind
// mounts. The same file reached twice (a hard link, or a file link inside the root) is
// reported once as a duplicate.
import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../safe-path.ts';
import { isIgnoredFile, isIgnoredFolder } from './system-names.ts';
import { folderProblem, linkProblem } from './skip-reasons.ts';

export interface ListedFile {
  kind: 'file';
  /** '/'-separated, relative to the root. */
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/** A file or folder that will be reported as skipped without being read. */
export interface ListedProblem {
  kind: 'problem';
  relPath: string;
  reason: string;
}

export type ListedEntry = ListedFile | ListedProblem;

/** The dataset's root cannot be listed. `missing`: it does not exist (an unplugged drive). */
export class RootUnavailableError extends Error {
  override name = 'RootUnavailableError';
  readonly missing: boolean;
  constructor(message: string, missing: boolean) {
    super(message);
    this.missing = missing;
  }
}

/** How many stat calls run at once while listing one folder. */
const STAT_BATCH = 64;

/**
 * Lists `rootReal` (an absolute, symlink-resolved path) recursively: each folder's
 * files in name order, then its sub-folders (depth-first, in name order), so a re-scan
 * sees the same order and the first name of a duplicated file stays the same. Throws
 * RootUnavailableError if the root itself cannot be listed; problems below the root
 * become ListedProblem entries.
 */
export interface ListOptions {
  signal?: AbortSignal;
  /** Real paths of folders passed over silently (the app's own data folder, if inside a dataset). */
  excludedFolders?: ReadonlySet<string>;
}

export async function listFolder(rootReal: string, options: ListOptions = {}): Promise<ListedEntry[]> {
  const { signal, excludedFolders } = options;
  const out: ListedEntry[] = [];
  const seenFolders = new Set<string>();
  const seenFiles = new Map<string, string>(); // dev:ino → first relPath
  const toRel = (abs: string) => path.relative(rootReal, abs).split(path.sep).join('/');

  const rootInfo = await stat(rootReal).catch((error: NodeJS.ErrnoException) => {
    throw rootError(rootReal, error);
  });
  const pending: string[] = [rootReal];
  seenFolders.add(`${rootInfo.dev}:${rootInfo.ino}`);

  while (pending.length > 0) {
    signal?.throwIfAborted();
    const folder = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readFolder(folder);
    } catch (error) {
      if (folder === rootReal) throw rootError(rootReal, error as NodeJS.ErrnoException);
      const code = (error as NodeJS.ErrnoException).code;
      // A folder deleted after its parent was listed is simply gone: nothing to report.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') out.push({ kind: 'problem', relPath: toRel(folder), reason: folderProblem(toRel(folder), code) });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subfolders: string[] = [];
    for (let i = 0; i < entries.length; i += STAT_BATCH) {
      const batch = entries.slice(i, i + STAT_BATCH);
      const results = await Promise.all(batch.map((entry) => classify(entry, folder)));
      for (const result of results) {
        if (!result) continue;
        if (result.kind === 'folder') {
          const key = `${result.info.dev}:${result.info.ino}`;
          if (seenFolders.has(key)) continue; // bind-mount loop: already listed
          seenFolders.add(key);
          subfolders.push(result.absPath);
        } else if (result.kind === 'file') {
          const rel = toRel(result.absPath);
          const key = `${result.info.dev}:${result.info.ino}`;
          const first = seenFiles.get(key);
          if (first !== undefined) {
            out.push({ kind: 'problem', relPath: rel, reason: linkProblem(rel, 'duplicate', first) });
            continue;
          }
          seenFiles.set(key, rel);
          out.push({ kind: 'file', relPath: rel, absPath: result.absPath, size: result.info.size, mtimeMs: result.info.mtimeMs });
        } else {
          out.push({ kind: 'problem', relPath: toRel(result.absPath), reason: result.reason });
        }
      }
    }
    // Depth-first in name order: push in reverse so the first name is listed first.
    for (let i = subfolders.length - 1; i >= 0; i--) pending.push(subfolders[i]!);
  }
  return out;

  async function classify(
    entry: Dirent,
    folder: string,
  ): Promise<Classified | null> {
    const absPath = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (isIgnoredFolder(entry.name) || excludedFolders?.has(absPath)) return null;
      const info = await lstat(absPath).catch(() => null);
      return info ? { kind: 'folder', absPath, info } : null;
    }
    if (isIgnoredFile(entry.name)) return null;
    if (entry.isFile()) {
      const info = await lstat(absPath).catch(() => null); // null: deleted since the folder was read
      return info ? { kind: 'file', absPath, info } : null;
    }
    if (entry.isSymbolicLink()) return classifyLink(absPath);
    return null; // sockets, FIFOs, devices: never images
  }

  async function classifyLink(absPath: string): Promise<Classified | null> {
    const rel = toRel(absPath);
    let target: string;
    try {
      target = await realpath(absPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const kind = code === 'ELOOP' ? 'loop' : 'broken';
      return { kind: 'problem', absPath, reason: linkProblem(rel, kind) };
    }
    const inside = isInside(rootReal, target);
    const info = await stat(absPath).catch(() => null);
    if (!info) return { kind: 'problem', absPath, reason: linkProblem(rel, 'broken') };
    if (info.isDirectory()) return { kind: 'problem', absPath, reason: linkProblem(rel, 'folder') };
    if (!inside) return { kind: 'problem', absPath, reason: linkProblem(rel, 'outside', target) };
    if (!info.isFile()) return null;
    return { kind: 'file', absPath, info };
  }
}

type Classified =
  | { kind: 'folder'; absPath: string; info: Stats }
  | { kind: 'file'; absPath: string; info: Stats }
  | { kind: 'problem'; absPath: string; reason: string };

async function readFolder(folder: string): Promise<Dirent[]> {
  const dir = await opendir(folder, { bufferSize: 128 });
  const entries: Dirent[] = [];
  for await (const entry of dir) entries.push(entry);
  return entries;
}

function rootError(root: string, error: NodeJS.ErrnoException): RootUnavailableError {
  if (error.code === 'ENOENT') return new RootUnavailableError(`The folder '${root}' no longer exists (or its drive is not connected).`, true);
  if (error.code === 'EACCES' || error.code === 'EPERM') return new RootUnavailableError(`The folder '${root}' cannot be opened: permission denied.`, false);
  if (error.code === 'ENOTDIR') return new RootUnavailableError(`'${root}' is a file, not a folder.`, false);
  return new RootUnavailableError(`The folder '${root}' cannot be read: ${error.message}`, false);
}
