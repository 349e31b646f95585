// The sentences shown to the user for every skipped file or folder. Each names the
// file (by its path inside the folder) and says why in plain words, and where it
// helps, what to do about it.

const MEGA = 1_000_000;

export function formatMegapixels(pixels: number): string {
  const mp = pixels / MEGA;
  const digits = mp >= 10 ? 0 : mp >= 1 ? 1 : 2;
  return `${mp.toFixed(digits)} megapixels`;
}

export function emptyFile(rel: string): string {
  return `'${rel}' is empty (0 bytes), so there is no picture in it.`;
}

export function notAnImage(rel: string, what: string): string {
  const ext = /\.(jpe?g|png|gif|webp|tiff?|avif|heic|heif|bmp)$/i.exec(rel)?.[1];
  if (ext) return `'${rel}' is named like an image (.${ext.toLowerCase()}) but its content is ${what}, not a picture.`;
  return `'${rel}' is not an image (it looks like ${what}).`;
}

export function unsupportedFormat(rel: string, format: string, detail?: string): string {
  if (format === 'bmp') return `'${rel}' is a kind of BMP image this version cannot decode${detail ? ` (${detail})` : ''}. Save it as PNG or JPEG to use it.`;
  if (format === 'heif') return `'${rel}' is a HEIC/HEIF photo, which this version cannot decode${detail ? ` (${detail})` : ''}. Export it as JPEG to use it.`;
  return `'${rel}' is a ${format.toUpperCase()} image that could not be opened${detail ? `: ${detail}` : ''}.`;
}

export function tooManyPixels(rel: string, width: number, height: number, limit: number): string {
  return (
    `'${rel}' is too large to open safely: ${width}×${height} pixels = ${formatMegapixels(width * height)}, ` +
    `above the limit of ${formatMegapixels(limit)}.`
  );
}

export function damaged(rel: string, format: string, detail: string): string {
  return `'${rel}' looks like a ${format.toUpperCase()} image but is damaged or incomplete, so it cannot be decoded (${detail}).`;
}

export function unreadableFile(rel: string, code: string | undefined): string {
  if (code === 'EACCES' || code === 'EPERM') return `'${rel}' could not be read: permission denied.`;
  if (code === 'EISDIR') return `'${rel}' is a folder, not a file.`;
  return `'${rel}' could not be read${code ? ` (${code})` : ''}.`;
}

export function changedWhileReading(rel: string): string {
  return `'${rel}' was changing while it was being read (still being copied?). Re-scan the folder to pick it up.`;
}

export function folderProblem(rel: string, code: string | undefined): string {
  if (code === 'EACCES' || code === 'EPERM') return `The folder '${rel}' could not be opened (permission denied), so the images in it were not looked at.`;
  return `The folder '${rel}' could not be opened${code ? ` (${code})` : ''}, so the images in it were not looked at.`;
}

export type LinkProblem = 'broken' | 'loop' | 'folder' | 'outside' | 'duplicate';

export function linkProblem(rel: string, kind: LinkProblem, other?: string): string {
  switch (kind) {
    case 'broken':
      return `'${rel}' is a link to a file that does not exist.`;
    case 'loop':
      return `'${rel}' is a link that loops back on itself.`;
    case 'folder':
      return `'${rel}' is a link to a folder; links to folders are not followed (they can loop or count images twice). Add that folder itself instead.`;
    case 'outside':
      return `'${rel}' is a link to '${other}', outside this folder; links that leave the folder are not followed. Add the folder it points to instead.`;
    case 'duplicate':
      return `'${rel}' is another name (a link) for '${other}', which is already in the library.`;
  }
}
