// Conv2DBackpropInput for the wasm backend, replacing its scalar C++ loop: ∂L/∂x of a
// 2-D convolution as a forward XNNPACK convolution of dy, zero-upsampled by the stride,
// with the filter rotated 180° and its channel axes swapped (conv-geometry.ts).
//   dy [B, OH, OW, Co] → u [B, OH·sh, OW·sw, Co] (zeros between rows/columns)
//   W [KH, KW, Ci, Co] → Wᵣ [KH, KW, Co, Ci]   (reversed along KH and KW)
//   conv(u, Wᵣ), padded/cropped per axis → dx [B, H, W, Ci]
// A 1×1 filter is applied before upsampling (same result, s² fewer multiplies), which
// covers ResNet's strided 1×1 shortcut projections.
import type { Conv2DBackpropInputAttrs, KernelFunc } from '@tensorflow/tfjs';
import type { Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';
import { checkDyShape, checkFloat32, convGeometry } from './conv-attrs.ts';
import { inputGradAxis } from './conv-geometry.ts';

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
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
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
