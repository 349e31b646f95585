// DepthwiseConv2dNativeBackpropInput for the wasm backend, which has none: ∂L/∂x of a
// depthwise convolution as a forward XNNPACK depthwise convolution (multiplier 1) of
// dy, zero-upsampled by the stride, with the filter rotated 180°; the M output channels
// that came from one input channel are summed afterwards (conv-geometry.ts).
//   dy [B, OH, OW, C·M] → u [B, OH·sh, OW·sw, C·M]
//   W [KH, KW, C, M] → Wᵣ [KH, KW, C·M, 1]
//   depthwise(u, Wᵣ) [B, H, W, C·M] → [B, H, W, C, M] → Σ_M → dx [B, H, W, C]
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelFunc } from '@tensorflow/tfjs';
import type { Tf, WasmBackendLike } from './types.ts';
import { withKernelCalls } from './kernel-calls.ts';
import { checkDyShape, checkFloat32, convGeometry } from './conv-attrs.ts';
import { inputGradAxis } from './conv-geometry.ts';

export const DEPTHWISE_BACKPROP_INPUT = 'DepthwiseConv2dNativeBackpropInput';

export function depthwiseBackpropInputKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined) throw new Error(`${DEPTHWISE_BACKPROP_INPUT}: inputs dy and filter are required`);
    checkFloat32(DEPTHWISE_BACKPROP_INPUT, { dy, filter });
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const geometry = convGeometry(tf, DEPTHWISE_BACKPROP_INPUT, a.inputShape, filter.shape, a, true);
    checkDyShape(DEPTHWISE_BACKPROP_INPUT, dy.shape, geometry);
    const rows = inputGradAxis(geometry.rows);
    const cols = inputGradAxis(geometry.cols);
    const [kh, kw, c, m] = filter.shape as [number, number, number, number];
    const [b, h, w] = a.inputShape;
    return withKernelCalls(tf, backend as WasmBackendLike, (calls) => {
      const rotated = calls.reshape(calls.reverse(filter, [0, 1]), [kh, kw, c * m, 1]); // [KH, KW, C·M, 1]
      const upsampled = calls.zeroUpsample(dy, [rows.upsample, cols.upsample]); // [B, OH·sh, OW·sw, C·M]
      const { x: input, pad } = calls.cropForConv(upsampled, { rows: rows.upsampled, cols: cols.upsampled });
      const grad = calls.depthwiseConv2d(input, rotated, [1, 1], [rows.filterDilation, cols.filterDilation], pad); // [B, H, W, C·M]
      return m === 1 ? grad : calls.sum(calls.reshape(grad, [b, h, w, c, m]), [4]); // [B, H, W, C]
    });
  };
}
