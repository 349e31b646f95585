// Random resized crop sampling and its cropAndResize boxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionToBox, sampleCropRegion } from '../../worker/simclr/augment-crop.ts';
import { createRng } from '../../worker/simclr/rng.ts';

test('sampled crops lie inside the image with area and aspect ratio in range', () => {
  const rng = createRng(8);
  for (let i = 0; i < 500; i++) {
    const r = sampleCropRegion(rng, 48, 64, [0.08, 1], [3 / 4, 4 / 3]);
    assert.ok(r.top >= 0 && r.left >= 0 && r.top + r.height <= 48 + 1e-9 && r.left + r.width <= 64 + 1e-9);
    const area = (r.height * r.width) / (48 * 64);
    assert.ok(area >= 0.08 - 1e-9 && area <= 1 + 1e-9, `area ${area}`);
    const ratio = r.width / r.height;
    assert.ok(ratio >= 3 / 4 - 1e-9 && ratio <= 4 / 3 + 1e-9, `ratio ${ratio}`);
  }
});

test('when no sample fits, the largest centred crop within the ratio range is used', () => {
  // A 4×16 strip cannot hold a square of the full area: fallback is the centred 4×4.
  const r = sampleCropRegion(createRng(1), 4, 16, [1, 1], [1, 1]);
  assert.deepEqual(r, { top: 0, left: 6, height: 4, width: 4 });
});

test('boxes: the whole image at its own size is [0, 0, 1, 1]; a flip swaps x1 and x2', () => {
  // Halving 20 columns to 10: output pixel j samples source x = 2j + 0.5 (between two pixels).
  const halved = regionToBox({ top: 0, left: 0, height: 10, width: 20 }, 10, 20, 10, false);
  [0, 0.5 / 19, 1, 18.5 / 19].forEach((v, i) => assert.ok(Math.abs(halved[i]! - v) < 1e-12, `box ${halved}`));
  assert.deepEqual(regionToBox({ top: 0, left: 0, height: 8, width: 8 }, 8, 8, 8, false), [0, 0, 1, 1]);
  assert.deepEqual(regionToBox({ top: 0, left: 0, height: 8, width: 8 }, 8, 8, 8, true), [0, 1, 1, 0]);
  // Upsampling a 2-pixel region to 8 is clamped to the pixel centres, never beyond the image.
  const box = regionToBox({ top: 0, left: 0, height: 2, width: 2 }, 8, 8, 8, false);
  assert.ok(box.every((v) => v >= 0 && v <= 1));
});
