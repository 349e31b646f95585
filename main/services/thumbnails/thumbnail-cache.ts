// Where thumbnails live on disk: <dataDir>/thumbnails/<hash[0..2]>/<hash>-<size>.webp.
// Keyed by content hash and size, so the same picture in two datasets (or renamed)
// is made once, and a changed file gets a new thumbnail automatically.
import path from 'node:path';

export const THUMBNAIL_EXT = 'webp';
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';

export function thumbnailPath(cacheDir: string, contentHash: string, size: number): string {
  if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error(`not a sha256 content hash: '${contentHash}'`);
  return path.join(cacheDir, contentHash.slice(0, 2), `${contentHash}-${size}.${THUMBNAIL_EXT}`);
}
