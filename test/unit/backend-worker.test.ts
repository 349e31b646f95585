// The engine runs in a worker thread (DESIGN.md §2): selectBackend and the wasm training
// kernels must work there too. A real worker_threads Worker selects wasm and takes the
// gradient of a strided conv, whose Conv2DBackpropFilter exists only as our kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

const backendUrl = new URL('../../worker/backend.ts', import.meta.url).href;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(backendUrl)}).then(async ({ selectBackend }) => {
  const lines = [];
  const { name, tf } = await selectBackend('wasm', (line) => lines.push(line));
  const x = tf.ones([2, 8, 8, 3]);
  const w = tf.ones([3, 3, 3, 4]);
  const dw = tf.grad((f) => tf.conv2d(x, f, 2, 'same').sum())(w);
  parentPort.postMessage({ name, lines, shape: dw.shape, first: dw.dataSync()[0] });
}).catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

test('selectBackend and the wasm kernels work inside a worker thread', async () => {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  try {
    const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(result.name, 'wasm');
    assert.match((result.lines as string[])[0]!, /using wasm/);
    assert.deepEqual(result.shape, [3, 3, 3, 4]);
    // 'same' on 8 with stride 2 pads only after, so tap (0, 0) reads rows and columns
    // 0, 2, 4, 6 of both images: 2·4·4 ones.
    assert.equal(result.first, 32);
  } finally {
    await worker.terminate();
  }
});
