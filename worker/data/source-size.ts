// The side of the square "source" image the data pipeline decodes every file to, from
// which the augmentations crop the training views of side S (= config.imageSize).
//
// Choice (documented because it shapes what the encoder sees):
// - S ≤ 64 (CIFAR-like, paper App. B.9): the source IS S×S. CIFAR SimCLR crops from the
//   32×32 image itself and resizes the crop back to 32, so a larger source would only
//   cost cache space and memory.
// - S > 64 (ImageNet-like): round(S·8/7), the classic 256-for-224 ratio, so the random
//   resized crop and the evaluation centre crop have a little context to work with.
// Every file is first resized to cover the square and centre-cropped (aspect kept).
import { SMALL_IMAGE_MAX } from '../simclr/config.ts';

export function sourceSideFor(imageSize: number): number {
  if (!Number.isInteger(imageSize) || imageSize < 1) throw new Error(`image size must be a positive integer, got ${imageSize}`);
  return imageSize <= SMALL_IMAGE_MAX ? imageSize : Math.round((imageSize * 8) / 7);
}
