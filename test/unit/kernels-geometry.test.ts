// The index arithmetic of conv-geometry.ts on hand-worked cases (each checked against
// the one-axis formulas in that file's header).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterGradAxis, inputGradAxis, splitPadOrCrop, subPixelAxis } from '../../worker/kernels/conv-geometry.ts';

describe('conv-geometry', () => {
  test("3×3 stride 1 'same' on 8: pad 1 both sides, 3 outputs", () => {
    const axis = { inSize: 8, filterSize: 3, outSize: 8, stride: 1, dilation: 1, padBefore: 1 };
    assert.deepEqual(filterGradAxis(axis), { inputPad: { before: 1, after: 1 }, filterDilation: 1, stride: 1, outputs: 3 });
    assert.deepEqual(inputGradAxis(axis), { upsample: 1, upsampled: { before: 1, after: 1 }, filterDilation: 1 });
  });

  test("1×1 stride 2 'valid' on 8: the last row is never read, so one surplus output", () => {
    const axis = { inSize: 8, filterSize: 1, outSize: 4, stride: 2, dilation: 1, padBefore: 0 };
    // dy spans (4−1)·2+1 = 7 rows; 8 rows give 2 outputs, of which the first is ∂L/∂w.
    assert.deepEqual(filterGradAxis(axis), { inputPad: { before: 0, after: 0 }, filterDilation: 2, stride: 1, outputs: 2 });
    // upsampled dy has 8 elements (4 + 4 zeros); 8 + 0 − 8 = 0 to add.
    assert.deepEqual(inputGradAxis(axis), { upsample: 2, upsampled: { before: 0, after: 0 }, filterDilation: 1 });
  });

  test("7×7 stride 2 'same' on 11: pads 2 and 3", () => {
    // out 6; total pad (6−1)·2 + 7 − 11 = 6 → 3 before, 3 after (TensorFlow puts the odd one after).
    const axis = { inSize: 11, filterSize: 7, outSize: 6, stride: 2, dilation: 1, padBefore: 3 };
    const f = filterGradAxis(axis);
    assert.equal(f.outputs, 7);
    assert.deepEqual(f.inputPad, { before: 3, after: 3 });
    // 6 − 3 = 3 before; after = 11 + 3 − 12 = 2.
    assert.deepEqual(inputGradAxis(axis).upsampled, { before: 3, after: 2 });
  });

  test('padding larger than the filter becomes a crop of the upsampled dy', () => {
    const axis = { inSize: 4, filterSize: 1, outSize: 8, stride: 1, dilation: 1, padBefore: 2 };
    assert.deepEqual(inputGradAxis(axis).upsampled, { before: -2, after: -2 });
    assert.deepEqual(splitPadOrCrop({ before: -2, after: 3 }), { pad: { before: 0, after: 3 }, crop: { before: 2, after: 0 } });
  });

  test("sub-pixel phases of 3×3 stride 2 'same' on 32 (pad 0 before, 1 after)", () => {
    // Even rows take w[0] and w[2] (dx[2q] = dy[q]·w0 + dy[q−1]·w2), odd rows w[1] only.
    const axis = { inSize: 32, filterSize: 3, outSize: 16, stride: 2, dilation: 1, padBefore: 0 };
    assert.deepEqual(subPixelAxis(axis), {
      stride: 2,
      phases: [
        { start: 0, taps: 2, offset: 0 },
        { start: 1, taps: 1, offset: 1 },
      ],
      window: 2,
      dy: { before: 1, after: 0 },
    });
  });

  test('sub-pixel does not apply to stride 1, odd sizes, or a stride above the filter', () => {
    const base = { inSize: 8, filterSize: 3, outSize: 8, stride: 1, dilation: 1, padBefore: 1 };
    assert.equal(subPixelAxis(base), undefined);
    assert.equal(subPixelAxis({ ...base, inSize: 9, stride: 2, outSize: 5 }), undefined);
    assert.equal(subPixelAxis({ ...base, filterSize: 1, stride: 2, outSize: 4, padBefore: 0 }), undefined);
  });
});
