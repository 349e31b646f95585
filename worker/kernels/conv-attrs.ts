// Reads and checks the attributes of a convolution-gradient kernel once, turning them
// into the per-axis geometry of conv-geometry.ts. Unsupported attributes fail here with
// a message that names the kernel and the attribute.
import type { Tf, ConvPad } from './types.ts';
import type { ConvAxis } from './conv-geometry.ts';

export interface ConvGradAttrs {
  readonly strides: number | [number, number];
  readonly dilations?: number | [number, number];
  readonly pad: ConvPad;
  readonly dataFormat?: string;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward convolution a gradient kernel differentiates, as two independent axes. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly rows: ConvAxis;
  readonly cols: ConvAxis;
  /** NHWC shape of the forward output, which dy must have. */
  readonly outShape: [number, number, number, number];
}

export function convGeometry(
  tf: Tf,
  kernelName: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradAttrs,
  depthwise: boolean,
): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (wasm training kernel): dataFormat '${attrs.dataFormat}' is not supported; use 'NHWC'`);
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(
      `${kernelName} (wasm training kernel): expected a 4-D input and filter, got input [${inShape}] and filter [${filterShape}]`,
    );
  }
  if (typeof attrs.pad === 'number' && !squareGeometry(filterShape, attrs)) {
    // tfjs derives the output width of a numeric pad from the height's filter and stride,
    // so the shapes it computes are wrong here (and wasm's forward Conv2D overruns its
    // output buffer): refuse rather than return a gradient of the wrong shape.
    throw new Error(
      `${kernelName} (wasm training kernel): a numeric pad (${attrs.pad}) needs a square filter, stride and dilation; ` +
        `got filter [${filterShape}], strides ${JSON.stringify(attrs.strides)}, dilations ${JSON.stringify(attrs.dilations ?? 1)}: ` +
        `use 'same', 'valid' or explicit [[0,0],[top,bottom],[left,right],[0,0]] padding`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    rows: {
      inSize: info.inHeight,
      filterSize: info.filterHeight,
      outSize: info.outHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    cols: {
      inSize: info.inWidth,
      filterSize: info.filterWidth,
      outSize: info.outWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
    outShape: info.outShape,
  };
}

function squareGeometry(filterShape: readonly number[], attrs: ConvGradAttrs): boolean {
  const square = (v: number | [number, number] | undefined) => v === undefined || typeof v === 'number' || v[0] === v[1];
  return filterShape[0] === filterShape[1] && square(attrs.strides) && square(attrs.dilations);
}

/** The wasm convolutions are float32 only; say which input is not. */
export function checkFloat32(kernelName: string, inputs: Record<string, { dtype: string }>): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32') throw new Error(`${kernelName} (wasm training kernel): ${name} is ${t.dtype}, expected float32`);
  }
}

/** Throws a clear error when dy does not have the forward output's shape. */
export function checkDyShape(kernelName: string, dyShape: readonly number[], geometry: ConvGeometry): void {
  const expected = geometry.outShape;
  if (dyShape.length !== 4 || dyShape.some((d, i) => d !== expected[i])) {
    throw new Error(`${kernelName} (wasm training kernel): dy has shape [${dyShape}], the convolution's output is [${expected}]`);
  }
}
