// DepthwiseConv2dNativeBackpropFilter for the wasm backend, which has none: ∂L/∂W of a
// depthwise convolution as ONE forward XNNPACK depthwise convolution in which (batch,
// channel) pairs become the channels and dy becomes the filter (conv-geometry.ts);
// the batch is summed afterwards.
//   x  [B, H, W, C]     → [1, H, W, B·C]       (channel b·C + c)
//   dy [B, OH, OW, C·M] → [OH, OW, B·C, M]     (filter, dilation = forward stride)
//   depthwise → [1, KH, KW, B·C·M] → [KH, KW, B, C, M] → Σ_B → dW [KH, KW, C, M]
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelFunc } from '@tensorflow/tfjs';
import type { Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';
import { checkDyShape, checkFloat32, convGeometry } from './conv-attrs.ts';
import { explicitPad, filterGradAxis } from './conv-geometry.ts';

export const DEPTHWISE_BACKPROP_FILTER = 'DepthwiseConv2dNativeBackpropFilter';

export function depthwiseBackpropFilterKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    if (x === undefined || dy === undefined) throw new Error(`${DEPTHWISE_BACKPROP_FILTER}: inputs x and dy are required`);
    checkFloat32(DEPTHWISE_BACKPROP_FILTER, { x, dy });
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const geometry = convGeometry(tf, DEPTHWISE_BACKPROP_FILTER, x.shape, a.filterShape, a, true);
    checkDyShape(DEPTHWISE_BACKPROP_FILTER, dy.shape, geometry);
    const rows = filterGradAxis(geometry.rows);
    const cols = filterGradAxis(geometry.cols);
    const [kh, kw, c, m] = a.filterShape;
    const { batch } = geometry;
    const [, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      const xT = calls.reshape(calls.transpose(x, [1, 2, 0, 3]), [1, h!, w!, batch * c]); // [1, H, W, B·C]
      const dyT = calls.reshape(calls.transpose(dy, [1, 2, 0, 3]), [oh!, ow!, batch * c, m]); // [OH, OW, B·C, M]
      const pad = explicitPad(rows.inputPad, cols.inputPad);
      const grad = calls.depthwiseConv2d(xT, dyT, [rows.stride, cols.stride], [rows.filterDilation, cols.filterDilation], pad); // [1, KH', KW', B·C·M]
      const exact = rows.outputs === kh && cols.outputs === kw ? grad : calls.slice(grad, [0, 0, 0, 0], [1, kh, kw, batch * c * m]); // [1, KH, KW, B·C·M]
      const perImage = calls.reshape(exact, [kh, kw, batch, c, m]); // [KH, KW, B, C, M]
      return batch === 1 ? calls.reshape(perImage, [kh, kw, c, m]) : calls.sum(perImage, [2]); // [KH, KW, C, M]
    });
  };
}
