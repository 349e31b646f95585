// `simclr-studio serve` as a subprocess: the printed URL line, the page it serves, a
// clean stop on SIGTERM and SIGINT, and clear messages for bad flags. Needs the built
// renderer (`npm test` builds it first).
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTempDir, type TempDir } from '../helpers/image-fixtures.ts';
import { runCli, startServe } from '../helpers/serve.ts';

describe('simclr-studio serve', () => {
  let temp: TempDir;

  before(async () => {
    temp = await createTempDir('simclr-serve-');
  });
  after(async () => {
    await temp?.remove();
  });

  test('prints its URL, serves the app there, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(temp.path, 'data');
    const serve = await startServe({ dataDir });
    try {
      assert.equal(new URL(serve.url).hostname, '127.0.0.1');
      assert.match(serve.output(), new RegExp(`library in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const page = await fetch(serve.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="app">/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const denied = await fetch(`${serve.origin}/`);
      assert.equal(denied.status, 401);
      const info = await fetch(`${serve.origin}/api/getAppInfo`, { method: 'POST', headers: { 'x-studio-token': serve.token }, body: '{}' });
      assert.deepEqual((await info.json()).value.dataDir, dataDir);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
    assert.match(serve.output(), /SIGTERM received, stopping…[\s\S]*stopped/);
  });

  test('stops cleanly on SIGINT (Ctrl+C)', async () => {
    const serve = await startServe({ dataDir: path.join(temp.path, 'data-int') });
    const exited = new Promise<number | null>((resolve) => serve.child.on('close', resolve));
    serve.child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(serve.output(), /SIGINT received/);
  });

  test('rejects a bad port with a message naming the flag', async () => {
    const { code, output } = await runCli(['serve', '--port', 'eighty', '--data-dir', path.join(temp.path, 'd1')]);
    assert.equal(code, 1);
    assert.match(output, /--port must be a number, got 'eighty'/);
    const range = await runCli(['serve', '--port', '70000', '--data-dir', path.join(temp.path, 'd2')]);
    assert.equal(range.code, 1);
    assert.match(range.output, /--port must be a whole number from 0 to 65535/);
  });

  test('rejects an unknown flag and a stray argument', async () => {
    const unknown = await runCli(['serve', '--host', '0.0.0.0']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.output, /serve: Unknown option '--host'/);
    const stray = await runCli(['serve', 'extra', '--data-dir', path.join(temp.path, 'd3')]);
    assert.equal(stray.code, 1);
    assert.match(stray.output, /unexpected argument 'extra'/);
  });

  test('says which data folder cannot be used and why', async () => {
    const file = path.join(temp.path, 'a-file');
    await writeFile(file, 'not a folder');
    await chmod(file, 0o644);
    const { code, output } = await runCli(['serve', '--data-dir', path.join(file, 'data')]);
    assert.equal(code, 1);
    assert.match(output, /a-file\/data' cannot be written/);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace for a user error');
  });

  test('port in use is explained', async () => {
    const first = await startServe({ dataDir: path.join(temp.path, 'data-busy') });
    try {
      const { code, output } = await runCli(['serve', '--port', String(first.port), '--data-dir', path.join(temp.path, 'data-busy-2')]);
      assert.equal(code, 1);
      assert.match(output, new RegExp(`port ${first.port} is already in use`));
    } finally {
      assert.equal(await first.stop(), 0);
    }
  });

  test('--help describes the options', async () => {
    const { code, output } = await runCli(['serve', '--help']);
    assert.equal(code, 0);
    assert.match(output, /--port N/);
    assert.match(output, /--data-dir D/);
    assert.match(output, /127\.0\.0\.1 only/);
  });
});
