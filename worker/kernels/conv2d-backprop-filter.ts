// Conv2DBackpropFilter for the wasm backend, which has none: ∂L/∂W of a 2-D convolution
// computed by ONE forward XNNPACK convolution in which the batch becomes the channel
// axis being summed over and dy becomes the filter (derivation: conv-geometry.ts).
//   x  [B, H, W, Ci] → xᵀ  [Ci, H, W, B]      (conv batch = Ci, conv in-channels = B)
//   dy [B, OH, OW, Co] → dyᵀ [OH, OW, B, Co]  (filter, dilation = forward stride)
//   conv(xᵀ, dyᵀ) [Ci, KH, KW, Co] → dW [KH, KW, Ci, Co]
import type { Conv2DBackpropFilterAttrs, KernelFunc } from '@tensorflow/tfjs';
import type { Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';
import { checkDyShape, checkFloat32, convGeometry } from './conv-attrs.ts';
import { explicitPad, filterGradAxis } from './conv-geometry.ts';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';

export function conv2dBackpropFilterKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    if (x === undefined || dy === undefined) throw new Error(`${CONV2D_BACKPROP_FILTER}: inputs x and dy are required`);
    checkFloat32(CONV2D_BACKPROP_FILTER, { x, dy });
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const geometry = convGeometry(tf, CONV2D_BACKPROP_FILTER, x.shape, a.filterShape, a, false);
    checkDyShape(CONV2D_BACKPROP_FILTER, dy.shape, geometry);
    const rows = filterGradAxis(geometry.rows);
    const cols = filterGradAxis(geometry.cols);
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      const xT = calls.transpose(x, [3, 1, 2, 0]); // [Ci, H, W, B]
      const dyT = calls.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Co]
      const pad = explicitPad(rows.inputPad, cols.inputPad);
      const grad = calls.conv2d(xT, dyT, [rows.stride, cols.stride], [rows.filterDilation, cols.filterDilation], pad); // [Ci, KH', KW', Co]
      const [kh, kw, ci, co] = a.filterShape;
      const exact = rows.outputs === kh && cols.outputs === kw ? grad : calls.slice(grad, [0, 0, 0, 0], [ci, kh, kw, co]); // [Ci, KH, KW, Co]
      return calls.transpose(exact, [1, 2, 0, 3]); // [KH, KW, Ci, Co]
    });
  };
}
