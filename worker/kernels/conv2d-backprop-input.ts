// Conv2DBackpropInput for the wasm backend, replacing its scalar C++ loop: ∂L/∂x of a
// 2-D convolution as a forward XNNPACK convolution of dy, zero-upsampled by the stride,
// with the filter rotated 180° and its channel axes swapped (conv-geometry.ts).
//   dy [B, OH, OW, Co] → u [B, OH·sh, OW·sw, Co] (zeros between rows/columns)
//   W [KH, KW, Ci, Co] → Wᵣ [KH, KW, Co, Ci]   (reversed along KH and KW)
//   conv(u, Wᵣ), padded/cropped per axis → dx [B, H, W, Ci]
// A 1×1 filter is applied before upsampling (same result, s² fewer multiplies), which
// covers ResNet's strided 1×1 shortcut projections. Strided convs whose input divides by
// the stride (ResNet's 3×3 stride 2, the 7×7 stem) skip the upsampling: their phases run
// as one convolution, then interleaved (subPixelInputGrad, conv-geometry.ts).
import type { Conv2DBackpropInputAttrs, KernelFunc } from '@tensorflow/tfjs';
import type { TensorInfo, Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls, type KernelCalls } from './kernel-calls.ts';
import { checkDyShape, checkFloat32, convGeometry } from './conv-attrs.ts';
import { inputGradAxis, subPixelAxis, type SubPixelAxis } from './conv-geometry.ts';

export const CONV2D_BACKPROP_INPUT = 'Conv2DBackpropInput';

export function conv2dBackpropInputKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined) throw new Error(`${CONV2D_BACKPROP_INPUT}: inputs dy and filter are required`);
    checkFloat32(CONV2D_BACKPROP_INPUT, { dy, filter });
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const geometry = convGeometry(tf, CONV2D_BACKPROP_INPUT, a.inputShape, filter.shape, a, false);
    checkDyShape(CONV2D_BACKPROP_INPUT, dy.shape, geometry);
    const rows = inputGradAxis(geometry.rows);
    const cols = inputGradAxis(geometry.cols);
    const spatial = { rows: rows.upsampled, cols: cols.upsampled };
    const strides: [number, number] = [rows.upsample, cols.upsample];
    const subRows = subPixelAxis(geometry.rows);
    const subCols = subPixelAxis(geometry.cols);
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      if (subRows !== undefined && subCols !== undefined && subRows.stride === subCols.stride) {
        return subPixelInputGrad(calls, dy, filter, subRows, subCols);
      }
      const rotated = calls.transpose(calls.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [KH, KW, Co, Ci]
      if (geometry.rows.filterSize === 1 && geometry.cols.filterSize === 1) {
        const projected = calls.conv2d(dy, rotated, [1, 1], [1, 1], 'valid'); // [B, OH, OW, Ci]
        return calls.padOrCropSpatial(calls.zeroUpsample(projected, strides), spatial); // [B, H, W, Ci]
      }
      const upsampled = calls.zeroUpsample(dy, strides); // [B, OH·sh, OW·sw, Co]
      const { x: input, pad } = calls.cropForConv(upsampled, spatial);
      return calls.conv2d(input, rotated, [1, 1], [rows.filterDilation, cols.filterDilation], pad); // [B, H, W, Ci]
    });
  };
}

/**
 * ∂L/∂x of a strided conv as one stride-1 conv whose s² output-channel groups are the
 * sub-pixel phases, interleaved depth-to-space.
 *   W [KH, KW, Ci, Co] → per phase (r, c): its taps, reversed, in a [TH, TW] window
 *   → F [TH, TW, Co, s²·Ci] (channel = phase·Ci + ci)
 *   conv(dy, F) [B, H/s, W/s, s²·Ci] → depth-to-space(s) → dx [B, H, W, Ci]
 */
function subPixelInputGrad(calls: KernelCalls, dy: TensorInfo, filter: TensorInfo, rows: SubPixelAxis, cols: SubPixelAxis): TensorInfo {
  const [, , ci, co] = filter.shape as [number, number, number, number];
  const s = rows.stride;
  const reversed = calls.reverse(filter, [0, 1]); // [KH, KW, Ci, Co]
  const phases: TensorInfo[] = [];
  for (const r of rows.phases) {
    for (const c of cols.phases) {
      const taps = calls.stridedSlice(reversed, [r.start, c.start, 0, 0], [r.taps, c.taps, ci, co], [s, s, 1, 1]); // [Jr, Jc, Ci, Co]
      const placed = calls.pad(taps, [
        [r.offset, rows.window - r.offset - r.taps],
        [c.offset, cols.window - c.offset - c.taps],
        [0, 0],
        [0, 0],
      ]); // [TH, TW, Ci, Co]
      phases.push(placed);
    }
  }
  const combined = calls.transpose(calls.concat(phases, 2), [0, 1, 3, 2]); // [TH, TW, Co, s²·Ci]
  const { x: input, pad } = calls.cropForConv(dy, { rows: rows.dy, cols: cols.dy });
  const byPhase = calls.conv2d(input, combined, [1, 1], [1, 1], pad); // [B, Q, Q', s²·Ci] (Q = H/s, Q' = W/s)
  // Depth-to-space by reshape + transpose: wasm's DepthToSpace kernel is 15× slower.
  const [b, q, q2] = byPhase.shape as [number, number, number, number];
  const split = calls.reshape(byPhase, [b * q, q2, s, s * ci]); // [B·Q, Q', s (row phase), s·Ci]
  const interleaved = calls.transpose(split, [0, 2, 1, 3]); // [B·Q, s, Q', s·Ci]
  return calls.reshape(interleaved, [b, q * s, q2 * s, ci]); // [B, H, W, Ci]
}
