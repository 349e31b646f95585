// Makes one thumbnail file with sharp. Runs in the image worker thread (or in-process
// as a fallback), so it takes plain values and returns nothing but success or an error.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { openImage } from '../library/open-image.ts';

export interface ThumbnailJob {
  /** The image (already checked to be inside its dataset). */
  absPath: string;
  /** Final cache path; written via a temp name and renamed so no reader sees half a file. */
  out: string;
  /** Longest side in pixels. */
  size: number;
  /** The image's pixel count as catalogued: a file that grew into a bomb is refused. */
  maxPixels: number;
  /** The format recorded by the scan (BMP needs our own decoder). */
  format: string;
}

export async function renderThumbnail(job: ThumbnailJob): Promise<void> {
  // No fsync: the cache can always be rebuilt, and empty files are treated as missing.
  const temp = `${job.out}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const image = await openImage(job.absPath, { maxPixels: job.maxPixels, format: job.format });
    await image
      .rotate() // apply the EXIF orientation: portraits show upright
      .resize(job.size, job.size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80, effort: 2 })
      .toFile(temp);
    await rename(temp, job.out);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
