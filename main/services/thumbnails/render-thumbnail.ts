// Makes one thumbnail file with sharp. Runs in the image worker thread (or in-process
// as a fallback), so it takes plain values and returns plain values.
//
// It is also the full decode check of images the scan catalogued from their header
// (small intact JPEGs and PNGs, InspectOptions.deferDecode): the image is decoded with the
// damage tolerance of the catalogue and of training (ACCEPTED_DAMAGE), and a file that
// does not decode comes back as `damage` for the catalogue to record, not as an error.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ACCEPTED_DAMAGE, decoderMessage, isPixelLimitError, openImage, openImageBytes, type OpenImageOptions } from '../library/open-image.ts';
import { withDecoderReason } from '../library/decoder-reason.ts';
import { IN_MEMORY_LIMIT } from '../library/inspect-file.ts';

export interface ThumbnailJob {
  /** The image (already checked to be inside its dataset). */
  absPath: string;
  /** Final cache path. */
  out: string;
  /** Longest side in pixels. */
  size: number;
  /** The image's pixel count as catalogued: a file that grew into a bomb is refused. */
  maxPixels: number;
  /** The format recorded by the scan (BMP needs our own decoder). */
  format: string;
  /** The file's size in bytes, as its caller just checked it against the catalogue: decides whether it is read whole. */
  fileBytes: number;
}

/** `damage`: the decoder's reason the image cannot be decoded (nothing was written). */
export type ThumbnailOutcome = { made: true } | { made: false; damage: string };

/**
 * Rejects for a file that cannot be read, too many pixels, or a cache that cannot be
 * written; an image that does not decode is an outcome (`damage`), never an error.
 */
export async function renderThumbnail(job: ThumbnailJob): Promise<ThumbnailOutcome> {
  // Read and written apart from the decode, so an I/O failure (file gone, disk full)
  // stays an error with its code and is never mistaken for a damaged image. Files over
  // the scan's in-memory limit (never the header-only ones: those are ≤ 512 KB) are
  // decoded from their path, which libvips reads piece by piece: the bulk pass renders
  // several at once, and whole files of any size could take gigabytes.
  const bytes = job.fileBytes <= IN_MEMORY_LIMIT ? await readFile(job.absPath) : null;
  const options: OpenImageOptions = { maxPixels: job.maxPixels, format: job.format, failOn: ACCEPTED_DAMAGE };
  let webp: Buffer;
  try {
    webp = await withDecoderReason(async () =>
      (bytes ? openImageBytes(bytes, options) : await openImage(job.absPath, options))
        .rotate() // apply the EXIF orientation: portraits show upright
        .resize(job.size, job.size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80, effort: 2 })
        .toBuffer(),
    );
  } catch (error) {
    if (isPixelLimitError(error)) throw error;
    // Decoded from its path: a file that vanished or became unreadable meanwhile is an
    // I/O error (thrown here with its code), not damage.
    if (!bytes) await access(job.absPath, constants.R_OK);
    return { made: false, damage: decoderMessage(error) };
  }
  // No fsync: the cache can always be rebuilt, and empty files are treated as missing.
  // Written via a temp name and renamed, so no reader sees half a file.
  const temp = `${job.out}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, webp);
    await rename(temp, job.out);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { made: true };
}
