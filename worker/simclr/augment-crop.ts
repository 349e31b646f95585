// Random resized crop + horizontal flip (SimCLR App. A, "crop and resize" with
// torchvision's RandomResizedCrop sampling), expressed as the per-image boxes that
// tf.image.cropAndResize takes, so a whole batch is cropped, resized and flipped in one op.
import type { AugmentConfig } from './config.ts';
import type { Rng } from './rng.ts';

/** Normalised [y1, x1, y2, x2] box in cropAndResize's convention; x1 > x2 flips horizontally. */
export type CropBox = [number, number, number, number];

/** A crop in continuous pixel-edge coordinates: rows [top, top + height), columns [left, left + width). */
export interface CropRegion {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

const ATTEMPTS = 10;

/**
 * torchvision's RandomResizedCrop.get_params in continuous coordinates: an area fraction
 * from `scale` and a log-uniform aspect ratio from `ratio`, retried up to 10 times until it
 * fits, else the largest centred crop whose ratio is within `ratio`.
 */
export function sampleCropRegion(
  rng: Rng,
  sourceHeight: number,
  sourceWidth: number,
  scale: AugmentConfig['cropScale'],
  ratio: AugmentConfig['cropRatio'],
): CropRegion {
  const area = sourceHeight * sourceWidth;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const width = Math.sqrt(targetArea * aspect);
    const height = Math.sqrt(targetArea / aspect);
    if (width > 0 && height > 0 && width <= sourceWidth && height <= sourceHeight) {
      return { top: rng.uniform(0, sourceHeight - height), left: rng.uniform(0, sourceWidth - width), height, width };
    }
  }
  const inRatio = sourceWidth / sourceHeight;
  let width = sourceWidth;
  let height = sourceHeight;
  if (inRatio < ratio[0]) height = width / ratio[0];
  else if (inRatio > ratio[1]) width = height * ratio[1];
  return { top: (sourceHeight - height) / 2, left: (sourceWidth - width) / 2, height, width };
}

/**
 * The cropAndResize box that resamples `region` to outputSize × outputSize with pixel
 * centres evenly inside it (align_corners = false, like torchvision's resize), clamped to
 * the image so nothing is extrapolated. The full image at its own size maps to itself.
 */
export function regionToBox(region: CropRegion, sourceHeight: number, sourceWidth: number, outputSize: number, flip: boolean): CropBox {
  const axis = (start: number, length: number, extent: number): [number, number] => {
    if (extent <= 1) return [0, 0];
    const step = length / outputSize;
    const clamp = (v: number) => Math.min(extent - 1, Math.max(0, v));
    // Centre of output pixel j, in source index coordinates: start + (j + ½)·step − ½.
    const first = clamp(start + 0.5 * step - 0.5);
    const last = clamp(start + length - 0.5 * step - 0.5);
    return [first / (extent - 1), last / (extent - 1)];
  };
  const [y1, y2] = axis(region.top, region.height, sourceHeight);
  const [x1, x2] = axis(region.left, region.width, sourceWidth);
  return flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
}
