// .npy and CSV exports, parsed back by an independent reader written here from the
// format's specification (numpy/lib/format.py), not by the writer's own code.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathsCsv, writePathsCsv } from '../../worker/export/csv.ts';
import { npyFloat32Header, writeNpyFloat32 } from '../../worker/export/npy.ts';

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simclr-npy-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function parseNpy(bytes: Buffer): { descr: string; fortran: boolean; shape: number[]; data: Buffer; headerEnd: number } {
  assert.deepEqual([...bytes.subarray(0, 6)], [0x93, ...Buffer.from('NUMPY')]);
  assert.equal(bytes[6], 1);
  assert.equal(bytes[7], 0);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  assert.ok(header.endsWith('\n'));
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const fortran = /'fortran_order': (True|False)/.exec(header)![1] === 'True';
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, fortran, shape, data: bytes.subarray(10 + headerLength), headerEnd: 10 + headerLength };
}

test('an N×D float32 matrix round-trips bit-exactly with a correct header', async () => {
  const values = Float32Array.from([0, -0, 1.5, -2.25, Math.PI, 1e-38, 3.4e38, Number.NaN, Infinity, -Infinity, 1 / 3, 42]);
  const file = path.join(dir, 'emb.npy');
  await writeNpyFloat32(file, values, [4, 3]);
  const parsed = parseNpy(await fs.readFile(file));
  assert.equal(parsed.descr, '<f4');
  assert.equal(parsed.fortran, false);
  assert.deepEqual(parsed.shape, [4, 3]);
  assert.equal(parsed.headerEnd % 64, 0, 'data starts on a 64-byte boundary');
  assert.equal(parsed.data.length, 12 * 4);
  for (let i = 0; i < values.length; i++) {
    const expected = Buffer.alloc(4);
    expected.writeFloatLE(values[i]!);
    assert.deepEqual(parsed.data.subarray(i * 4, i * 4 + 4), expected, `value ${i}`);
  }
});

test('an empty matrix and the 1-tuple syntax are valid Python', () => {
  assert.match(Buffer.from(npyFloat32Header([0, 5])).toString('latin1'), /'shape': \(0, 5\)/);
  assert.match(Buffer.from(npyFloat32Header([7])).toString('latin1'), /'shape': \(7,\)/);
});

test('a data length that does not match the shape is refused', async () => {
  await assert.rejects(writeNpyFloat32(path.join(dir, 'bad.npy'), new Float32Array(5), [2, 3]), /5 values do not fill a 2×3 matrix/);
});

test('the CSV quotes paths with commas and quotes, in embedding order', async () => {
  const rows = [
    { path: '/data/cats/a.jpg', label: 'cats' },
    { path: '/data/odd, "name".png', label: 'odd' },
  ];
  assert.equal(pathsCsv(rows), 'index,path,label\n0,/data/cats/a.jpg,cats\n1,"/data/odd, ""name"".png",odd\n');
  const file = path.join(dir, 'paths.csv');
  await writePathsCsv(file, rows);
  assert.equal(await fs.readFile(file, 'utf8'), pathsCsv(rows));
});
