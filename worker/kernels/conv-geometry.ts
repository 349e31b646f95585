// Pure index arithmetic that turns the gradients of a 2-D convolution into ordinary
// forward convolutions, one spatial axis at a time (the two axes are independent).
//
// Forward convolution along one axis (cross-correlation, as in TensorFlow):
//   y[o] = Σ_k x[o·s + k·d − p] · w[k]         o ∈ [0, O), k ∈ [0, K), x[i] = 0 outside [0, N)
// with stride s, dilation d, padding before p.
//
// ∂L/∂w[k] = Σ_o x[o·s + k·d − p] · dy[o]
//   = a convolution of x (padded by p before) with dy as the FILTER, filter dilation s,
//     stride d: output position k reads x[k·d + o·s − p].            (filterGradAxis)
// ∂L/∂x[i] = Σ_{o,k : o·s + k·d − p = i} dy[o] · w[k]
//   = a stride-1 convolution, filter dilation d, of dy with s−1 zeros inserted after
//     every element (length s·O), padded by (K−1)·d − p before, with the filter
//     reversed (k' = K−1−k): dx[i] = Σ_k' u[i + k'·d − ((K−1)·d − p)] · w[K−1−k'].
//                                                                    (inputGradAxis)
// Padding that comes out negative means "crop that many elements" instead.

/** One axis of a forward convolution. */
export interface ConvAxis {
  /** Input length N. */
  readonly inSize: number;
  /** Filter taps K. */
  readonly filterSize: number;
  /** Output length O. */
  readonly outSize: number;
  readonly stride: number;
  readonly dilation: number;
  /** Padding before the first input element (p). */
  readonly padBefore: number;
}

/** Elements to add (positive) or crop (negative) before and after one axis. */
export interface PadOrCrop {
  readonly before: number;
  readonly after: number;
}

/** ∂L/∂w along one axis: x is the conv input, dy the filter (dilation = stride), stride = dilation. */
export interface FilterGradAxis {
  /** Non-negative padding of x for the rewritten convolution. */
  readonly inputPad: PadOrCrop;
  /** Dilation of the dy "filter": the forward stride. */
  readonly filterDilation: number;
  /** Stride of the rewritten convolution: the forward dilation. */
  readonly stride: number;
  /** Outputs the rewritten convolution yields; the first K are ∂L/∂w, the rest are cut off. */
  readonly outputs: number;
}

export function filterGradAxis(axis: ConvAxis): FilterGradAxis {
  const { inSize, filterSize, outSize, stride, dilation, padBefore } = axis;
  // Output k reads x up to index (O−1)·s + k·d − p, so the padded input must span
  // (O−1)·s + (K−1)·d + 1 elements. When the forward conv left trailing input unread
  // (a 'valid' or strided conv whose windows stop early), x is longer than that: rather
  // than cropping x (wasm's Slice is slow on the big transposed tensor), let the conv
  // yield a few extra outputs and cut those off the small result.
  const span = (outSize - 1) * stride + (filterSize - 1) * dilation + 1;
  const after = Math.max(0, span - padBefore - inSize);
  const dySpan = (outSize - 1) * stride + 1;
  const outputs = Math.floor((padBefore + inSize + after - dySpan) / dilation) + 1;
  return { inputPad: { before: padBefore, after }, filterDilation: stride, stride: dilation, outputs };
}

/** ∂L/∂x along one axis: dy zero-upsampled by the stride, then a stride-1 conv (dilation d). */
export interface InputGradAxis {
  /** Upsampling factor: s−1 zeros follow every dy element (length s·O). */
  readonly upsample: number;
  /** Pad/crop applied to the upsampled dy so the conv yields exactly N outputs. */
  readonly upsampled: PadOrCrop;
  readonly filterDilation: number;
}

export function inputGradAxis(axis: ConvAxis): InputGradAxis {
  const { inSize, filterSize, outSize, stride, dilation, padBefore } = axis;
  const before = (filterSize - 1) * dilation - padBefore;
  // The padded upsampled signal must hold N + (K−1)·d elements for N outputs.
  const after = inSize + (filterSize - 1) * dilation - before - stride * outSize;
  return { upsample: stride, upsampled: { before, after }, filterDilation: dilation };
}

/** Explicit NHWC conv padding from non-negative row and column paddings. */
export function explicitPad(rows: PadOrCrop, cols: PadOrCrop): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]];
}

/** Splits a signed pad/crop into the non-negative padding and cropping it stands for. */
export function splitPadOrCrop(p: PadOrCrop): { pad: PadOrCrop; crop: PadOrCrop } {
  return {
    pad: { before: Math.max(0, p.before), after: Math.max(0, p.after) },
    crop: { before: Math.max(0, -p.before), after: Math.max(0, -p.after) },
  };
}

// ∂L/∂x by sub-pixel phases (stride s > 1, dilation 1, N divisible by s): instead of
// multiplying the s−1 zeros of an upsampled dy, split dx by i mod s. For phase r,
// only taps k ≡ r + p (mod s) reach it:
//   dx[q·s + r] = Σ_j dy[q + a_r − j] · w[k_r + j·s],  k_r = (r + p) mod s, a_r = (r + p − k_r)/s
// — a stride-1 correlation of dy with the phase's taps reversed. All phases are run as
// ONE convolution whose output channels are the phases (each phase's taps placed in a
// common window), then interleaved depth-to-space: dx[q·s + r] = out[q, phase r].

/** One phase of an axis: its taps are reversed-filter indices start, start+s, … */
export interface SubPixelPhase {
  /** Index into the filter reversed along this axis of the phase's first tap. */
  readonly start: number;
  readonly taps: number;
  /** Where the phase's taps sit in the common window. */
  readonly offset: number;
}

export interface SubPixelAxis {
  readonly stride: number;
  readonly phases: readonly SubPixelPhase[];
  /** Taps of the common window. */
  readonly window: number;
  /** Pad (positive) or crop (negative) of dy so the conv yields exactly N/s outputs. */
  readonly dy: PadOrCrop;
}

/** The sub-pixel plan of one axis, or undefined where it does not apply. */
export function subPixelAxis(axis: ConvAxis): SubPixelAxis | undefined {
  const { inSize, filterSize, outSize, stride, dilation, padBefore } = axis;
  if (stride < 2 || dilation !== 1 || stride > filterSize || inSize % stride !== 0) return undefined;
  const raw = Array.from({ length: stride }, (_, r) => {
    const k = (r + padBefore) % stride;
    const a = (r + padBefore - k) / stride;
    const taps = Math.ceil((filterSize - k) / stride);
    // Reversed index of tap k + (taps−1)·s, the first one the correlation meets.
    return { start: filterSize - 1 - k - (taps - 1) * stride, taps, before: taps - 1 - a };
  });
  const before = Math.max(...raw.map((p) => p.before));
  const phases = raw.map((p) => ({ start: p.start, taps: p.taps, offset: before - p.before }));
  const window = Math.max(...phases.map((p) => p.offset + p.taps));
  const outputs = inSize / stride;
  return { stride, phases, window, dy: { before, after: outputs + window - 1 - before - outSize } };
}
