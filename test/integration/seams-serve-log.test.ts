// The real `simclr-studio serve` subprocess: once something starts the training worker
// (here getRuntimeInfo), the worker's backend choice — with the reasons better backends
// were not taken — is printed on the server's console (stderr), where a person running
// it headless sees it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';
import { startServe } from '../helpers/serve.ts';

let tmp: TempDir;

before(async () => {
  tmp = await createTempDir('simclr-seams-serve-');
});

after(async () => {
  await tmp.remove();
});

test('serve prints the worker\'s backend choice on its console', async () => {
  const serve = await startServe({ dataDir: path.join(tmp.path, 'data') });
  let info: { backend: string | null };
  try {
    const response = await fetch(`${serve.origin}/api/getRuntimeInfo`, { method: 'POST', headers: { 'x-studio-token': serve.token }, body: '{}' });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { ok: boolean; value: { backend: string | null } };
    assert.equal(body.ok, true);
    info = body.value;
  } finally {
    await serve.stop();
  }
  // Read after the process has exited: everything it wrote is in.
  const output = serve.output();
  assert.ok(info.backend, 'the worker started');
  assert.match(output, new RegExp(`^SimCLR Studio worker: backend: using ${info.backend} — `, 'm'));
  // No native TensorFlow here: the line saying why it was not used is there too.
  if (info.backend !== 'tensorflow') assert.match(output, /^SimCLR Studio worker: backend: not /m);
});
