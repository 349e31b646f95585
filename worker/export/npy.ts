// NumPy .npy files (format version 1.0) of float32 matrices, so embeddings open with
// `numpy.load` and in any tool that reads .npy. Layout (numpy/lib/format.py):
//   "\x93NUMPY" · major 1 · minor 0 · uint16 LE header length · header · data
// The header is a Python dict literal, padded with spaces and ending in "\n" so that
// magic + length + header is a multiple of 64 bytes (data aligned for memory mapping).
// Data: float32 little-endian ('<f4'), C order (row-major), N×D.
import { writeFileAtomic } from '../files.ts';

const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const ALIGNMENT = 64;
const littleEndianHost = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The preamble (magic, version, header) for a float32 C-order array of `shape`. */
export function npyFloat32Header(shape: readonly number[]): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`npy: shape must be non-negative integers, got [${shape}]`);
  // Python tuple syntax: a 1-tuple needs its trailing comma.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1; // +1 for the final "\n"
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  const header = `${dict}${' '.repeat(padding)}\n`;
  if (header.length > 0xffff) throw new Error('npy: header too long for format version 1.0');
  const out = new Uint8Array(MAGIC.length + 4 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major
  out[7] = 0; // minor
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  return out;
}

/** The bytes of `data` as little-endian float32 (a view when the host is little-endian). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Writes an N×D float32 matrix (row-major `data`) to `target` atomically. */
export async function writeNpyFloat32(target: string, data: Float32Array, shape: readonly [number, number]): Promise<void> {
  const [n, d] = shape;
  if (n * d !== data.length) throw new Error(`npy: ${data.length} values do not fill a ${n}×${d} matrix`);
  await writeFileAtomic(target, [npyFloat32Header(shape), littleEndianBytes(data)]);
}
