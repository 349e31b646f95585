// Folders and files that operating systems and tools create and that never hold the
// user's pictures. They are passed over silently (not listed as "skipped"), like
// hidden (dot) entries, because listing them would only be noise.

/** Compared case-insensitively. */
const SYSTEM_FOLDERS = new Set(
  ['$recycle.bin', 'recycler', 'system volume information', '__macosx', 'lost+found', '@eadir', '#recycle', '#snapshot'].map((n) => n.toLowerCase()),
);
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini', 'icon\r', 'ehthumbs.db', 'ehthumbs_vista.db']);

/** Hidden entries start with a dot on macOS/Linux (.git, .Trashes, .DS_Store, ._photo.jpg). */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

export function isIgnoredFolder(name: string): boolean {
  return isHiddenName(name) || SYSTEM_FOLDERS.has(name.toLowerCase());
}

export function isIgnoredFile(name: string): boolean {
  return isHiddenName(name) || SYSTEM_FILES.has(name.toLowerCase());
}
