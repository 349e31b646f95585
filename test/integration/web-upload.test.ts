// File bytes over the web transport: a dropped photo (megabytes, base64 in the JSON
// body) reaches the explorer service through the real server and the real browser
// client, while every other method keeps the small body cap (main/api/web-limits.ts).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TOKEN_HEADER } from '../../main/api/web-routes.ts';
import { DEFAULT_BODY_LIMIT_BYTES, FILE_BODY_LIMIT_BYTES, MAX_UPLOAD_FILE_BYTES, bodyLimitOf } from '../../main/api/web-limits.ts';
import type { WebServer } from '../../main/api/web-server.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { fileQuery, toBase64 } from '../../renderer/features/explorer/file-query.ts';
import { createWebClient } from '../../renderer/lib/web-client.ts';
import { serveStudio } from '../helpers/web-studio.ts';
import { createTempDir, encodeImage, type TempDir } from '../helpers/image-fixtures.ts';

describe('web upload of file bytes', () => {
  let temp: TempDir;
  let studio: Studio;
  let server: WebServer;

  before(async () => {
    temp = await createTempDir('simclr-web-upload-');
    const rendererDir = path.join(temp.path, 'renderer');
    await mkdir(rendererDir, { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    studio = await createStudio({ dataDir: path.join(temp.path, 'data'), transport: 'web', thumbnailsAfterScan: false, imageWorker: false });
    server = await serveStudio(studio, rendererDir);
  });

  after(async () => {
    await server?.close();
    await studio?.close();
    await temp?.remove();
  });

  test('the caps: file-carrying methods get the large one, everything else the default', () => {
    assert.equal(bodyLimitOf('findNeighboursOfFile'), FILE_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitOf('addDataset'), DEFAULT_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitOf('noSuchMethod'), DEFAULT_BODY_LIMIT_BYTES);
    assert.equal(bodyLimitOf('toString'), DEFAULT_BODY_LIMIT_BYTES, 'inherited names are not methods');
    // The largest accepted file, base64-encoded, still fits the body with room for the rest.
    assert.ok(Math.ceil(MAX_UPLOAD_FILE_BYTES / 3) * 4 < FILE_BODY_LIMIT_BYTES);
  });

  test('a photo of several megabytes reaches the service (its own error, not a 413)', async () => {
    const photo = await encodeImage({ width: 1400, height: 1000, format: 'png', seed: 7 });
    assert.ok(photo.length > 2.5 * 1024 * 1024, `the fixture must be photo-sized, got ${photo.length} bytes`);
    const client = createWebClient({ origin: server.origin, token: server.token });
    const query = await fileQuery(client, new File([new Uint8Array(photo)], 'photo.png', { type: 'image/png' }));
    assert.equal(query.kind, 'file');
    assert.equal(query.bytesBase64, toBase64(photo));
    assert.ok(query.bytesBase64!.length > 3 * 1024 * 1024);
    // No embedding set 4242 exists: the service says so, which proves the body was read and dispatched.
    const error = await client.findNeighboursOfFile({ setId: 4242, bytesBase64: query.bytesBase64!, name: 'photo.png' }).then(
      () => assert.fail('set 4242 does not exist'),
      (e: Error) => e,
    );
    assert.notEqual(error.name, 'BadResponse');
    assert.doesNotMatch(error.message, /larger than/);
    assert.match(error.message, /4242|embedding|set/i);

    const raw = await fetch(`${server.origin}/api/findNeighboursOfFile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
      body: JSON.stringify({ setId: 4242, bytesBase64: query.bytesBase64, name: 'photo.png' }),
    });
    assert.equal(raw.status, 422);
  });

  test('another method still refuses a body above the default cap with 413', async () => {
    const answer = await fetch(`${server.origin}/api/addDataset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
      body: JSON.stringify({ path: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES + 10) }),
    }).catch((error: Error) => error);
    // The server answers as soon as the cap is passed; the client may instead see the
    // connection closed while still sending. Either way nothing was added.
    if (answer instanceof Response) {
      assert.equal(answer.status, 413);
      assert.match(((await answer.json()) as { error: { message: string } }).error.message, new RegExp(`larger than ${DEFAULT_BODY_LIMIT_BYTES} bytes`));
    }
    const listed = await fetch(`${server.origin}/api/listDatasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
      body: '{}',
    });
    assert.deepEqual(((await listed.json()) as { value: unknown[] }).value, []);
  });

  test('the renderer refuses a file above the upload cap before sending, saying why', async () => {
    const client = createWebClient({ origin: server.origin, token: server.token });
    const huge = new File([new Uint8Array(MAX_UPLOAD_FILE_BYTES + 1)], 'panorama.tif');
    await assert.rejects(fileQuery(client, huge), (error: Error) => {
      assert.match(error.message, /MB, and the browser version can send images of at most 36\.0 MB/);
      assert.match(error.message, /desktop app/);
      return true;
    });
  });
});
