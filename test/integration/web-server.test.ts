// The web transport over real HTTP and WebSocket, in front of a real studio (SQLite
// catalogue, sharp, a folder generated here with broken files in it).
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import WebSocket from 'ws';
import { TOKEN_HEADER } from '../../main/api/web-routes.ts';
import type { WebServer } from '../../main/api/web-server.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { serveStudio } from '../helpers/web-studio.ts';
import { createTempDir, writeBadInputs, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

/** A raw HTTP request: the path goes out exactly as given (fetch would normalise `..`). */
function request(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('error', reject);
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('web server', () => {
  let temp: TempDir;
  let studio: Studio;
  let server: WebServer;
  let photos: string;
  let relPaths: string[];
  let oddNames: string[];

  const call = (method: string, input: unknown, token = server.token) =>
    request(server.port, {
      method: 'POST',
      path: `/api/${method}`,
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input),
    });

  /** Opens the event socket; resolves once open, or rejects with the HTTP status of a refusal. */
  function openSocket(query: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; messages: any[]; next(predicate: (m: any) => boolean): Promise<any> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events${query}`, { headers });
      const messages: any[] = [];
      const waiters: { predicate: (m: any) => boolean; resolve: (m: any) => void }[] = [];
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        messages.push(message);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(message)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(message);
          }
        }
      });
      socket.on('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
      socket.on('error', reject);
      socket.on('open', () =>
        resolve({
          socket,
          messages,
          next: (predicate) => {
            const seen = messages.find(predicate);
            return seen ? Promise.resolve(seen) : new Promise((done) => waiters.push({ predicate, resolve: done }));
          },
        }),
      );
    });
  }

  before(async () => {
    temp = await createTempDir('simclr-web-');
    photos = path.join(temp.path, 'photos');
    relPaths = await writeLabelledFolder(photos, { classes: { cats: 3, dogs: 3 }, size: 40 });
    oddNames = (await writeBadInputs(photos, path.join(temp.path, 'outside'))).validOddNames;
    const rendererDir = path.join(temp.path, 'renderer');
    await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title><script type="module" src="./assets/app.js"></script>');
    await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
    await writeFile(path.join(temp.path, 'secret.txt'), 'outside the renderer');
    studio = await createStudio({ dataDir: path.join(temp.path, 'data'), transport: 'web', thumbnailsAfterScan: false });
    server = await serveStudio(studio, rendererDir);
  });

  after(async () => {
    await server?.close();
    await studio?.close();
    await temp?.remove();
  });

  test('listens on the loopback address only, at the printed URL', async () => {
    assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{43}$`));
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = net.connect(server.port, external.address);
        socket.on('connect', () => {
          socket.destroy();
          resolve(null);
        });
        socket.on('error', resolve);
      });
      assert.equal(error?.code, 'ECONNREFUSED', `port ${server.port} must not be reachable on ${external.address}`);
    }
    const loopback = await request(server.port, { path: `/?token=${server.token}` });
    assert.equal(loopback.status, 200);
  });

  test('API calls need the token header', async () => {
    const missing = await request(server.port, { method: 'POST', path: '/api/listDatasets', body: '{}' });
    assert.equal(missing.status, 401);
    assert.equal(missing.json().error.name, 'Unauthorized');
    const wrong = await call('listDatasets', {}, server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')));
    assert.equal(wrong.status, 401);
    const inQuery = await request(server.port, { method: 'POST', path: `/api/listDatasets?token=${server.token}`, body: '{}' });
    assert.equal(inQuery.status, 401, 'the query token is not enough for API calls (only the header is)');
    const right = await call('listDatasets', {});
    assert.equal(right.status, 200);
    assert.deepEqual(right.json(), { ok: true, value: [] });
  });

  test('pages, assets and thumbnails need the token (query or the cookie set by the page)', async () => {
    assert.equal((await request(server.port, { path: '/' })).status, 401);
    assert.equal((await request(server.port, { path: '/assets/app.js' })).status, 401);
    assert.equal((await request(server.port, { path: '/thumb/1/cats/cats-0.png' })).status, 401);
    const page = await request(server.port, { path: `/?token=${server.token}` });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${server.port}`));
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
    assert.match(cookie, new RegExp(`^simclr_studio_token_${server.port}=`));
    const asset = await request(server.port, { path: '/assets/app.js', headers: { cookie } });
    assert.equal(asset.status, 200);
    assert.equal(asset.body.toString(), 'console.log("app");');
    assert.match(String(asset.headers['content-type']), /text\/javascript/);
  });

  test('requests addressed to another host name are refused (DNS rebinding)', async () => {
    const answer = await request(server.port, { path: `/?token=${server.token}`, headers: { host: `evil.example:${server.port}` } });
    assert.equal(answer.status, 403);
  });

  test('static files cannot be read from outside the renderer folder', async () => {
    for (const attempt of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const answer = await request(server.port, { path: `${attempt}?token=${server.token}` });
      assert.equal(answer.status, 404, attempt);
      assert.doesNotMatch(answer.body.toString(), /outside the renderer/, attempt);
    }
  });

  test('an unknown method is a 404 with the error as data', async () => {
    const answer = await call('deleteEverything', {});
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.json(), { ok: false, error: { name: 'UnknownMethod', message: "unknown API method 'deleteEverything'" } });
  });

  test('invalid input is a 400 naming the field and the reason', async () => {
    const answer = await call('listImages', { datasetId: -1, offset: 0, limit: 10 });
    assert.equal(answer.status, 400);
    const { error } = answer.json();
    assert.equal(error.name, 'InvalidInput');
    assert.match(error.message, /datasetId/);
    const notJson = await request(server.port, { method: 'POST', path: '/api/listDatasets', headers: { [TOKEN_HEADER]: server.token }, body: '{oops' });
    assert.equal(notJson.status, 400);
    assert.match(notJson.json().error.message, /not valid JSON/);
    const get = await request(server.port, { path: '/api/listDatasets', headers: { [TOKEN_HEADER]: server.token } });
    assert.equal(get.status, 405);
  });

  test('an oversized request body is refused before it is read whole', async () => {
    const answer = await request(server.port, {
      method: 'POST',
      path: '/api/addDataset',
      headers: { [TOKEN_HEADER]: server.token, 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'x'.repeat(2 * 1024 * 1024) }),
    }).catch((error: NodeJS.ErrnoException) => ({ status: 0, code: error.code }) as const);
    // The server answers 413 as soon as the limit is passed; the client may instead see
    // the connection reset while it is still sending. Either way nothing was added.
    if (answer.status !== 0) {
      assert.equal(answer.status, 413);
      assert.match((answer as Answer).json().error.message, /larger than 1048576 bytes/);
    }
    assert.deepEqual((await call('listDatasets', {})).json().value, []);
  });

  test('a failure in the service comes back as a 422 with its message', async () => {
    const missing = path.join(temp.path, 'no-such-folder');
    const answer = await call('addDataset', { path: missing });
    assert.equal(answer.status, 422);
    assert.match(answer.json().error.message, /no-such-folder/);
  });

  test('the event socket needs the token and refuses other origins', async () => {
    await assert.rejects(openSocket(''), /refused with 401/);
    await assert.rejects(openSocket('?token=wrong'), /refused with 401/);
    await assert.rejects(openSocket(`?token=${server.token}`, { origin: 'http://evil.example' }), /refused with 403/);
    const { socket } = await openSocket(`?token=${server.token}`, { origin: server.origin });
    socket.close();
  });

  test('adding a folder over HTTP pushes scan progress and a datasets change over the socket', async () => {
    const events = await openSocket(`?token=${server.token}`);
    try {
      const answer = await call('addDataset', { path: photos });
      assert.equal(answer.status, 200);
      const result = answer.json().value;
      const listed = (await call('listImages', { datasetId: result.datasetId, offset: 0, limit: 100 })).json().value;
      const listedPaths = new Set(listed.images.map((image: { relPath: string }) => image.relPath));
      for (const rel of [...relPaths, ...oddNames]) assert.ok(listedPaths.has(rel), `${rel} is catalogued`);
      assert.equal(listed.total, result.images);
      assert.ok(result.skipped.length >= 5, 'broken files are reported as skipped');
      const progress = await events.next((m) => m.event === 'scanProgress' && m.payload.datasetId === result.datasetId && m.payload.phase === 'done');
      assert.equal(progress.payload.total > 0, true);
      await events.next((m) => m.event === 'datasetsChanged');
    } finally {
      events.socket.close();
    }
  });

  test('thumbnails are served for catalogued images and refused for paths that leave the dataset', async () => {
    const [dataset] = (await call('listDatasets', {})).json().value;
    const thumb = (rawPath: string) => request(server.port, { path: `/thumb/${dataset.id}/${rawPath}?token=${server.token}` });

    const ok = await thumb('cats/cats-0.png');
    assert.equal(ok.status, 200);
    const meta = await sharp(ok.body).metadata();
    assert.equal(meta.width, 40, 'a 40 px image is not enlarged');
    const etag = String(ok.headers.etag);
    const again = await request(server.port, { path: `/thumb/${dataset.id}/cats/cats-0.png?token=${server.token}`, headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);

    const odd = await thumb(['odd names', 'café ☕ 日本.png'].map(encodeURIComponent).join('/'));
    assert.equal(odd.status, 200, 'names with spaces and unicode are served');

    for (const attempt of ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2e%2e/outside/secret.png', 'cats/../../outside/secret.png', '%2Fetc%2Fpasswd', 'C:/Windows/win.ini', 'cats%00.png']) {
      const answer = await thumb(attempt);
      assert.equal(answer.status, 400, attempt);
    }
    const escaping = await thumb('links/outside.png');
    assert.ok(escaping.status >= 400 && escaping.status < 500, `a symlink leaving the dataset is refused (got ${escaping.status})`);
    assert.notEqual(escaping.headers['content-type'], 'image/webp');
    assert.equal((await thumb('cats/not-there.png')).status, 404);
    assert.equal((await request(server.port, { path: `/thumb/999/cats/cats-0.png?token=${server.token}` })).status, 404);
  });

  test('every open socket gets the events, and closing the server closes them', async () => {
    const extra = await serveStudio(studio, path.join(temp.path, 'renderer'));
    const open = (port: number, token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/events?token=${token}`);
        socket.on('open', () => resolve(socket));
        socket.on('error', reject);
      });
    try {
      const sockets = [await open(extra.port, extra.token), await open(extra.port, extra.token)];
      const progress = sockets.map(
        (socket) =>
          new Promise<any>((resolve) =>
            socket.on('message', (data) => {
              const message = JSON.parse(String(data));
              if (message.event === 'scanProgress') resolve(message);
            }),
          ),
      );
      const closed = sockets.map((socket) => new Promise<number>((resolve) => socket.on('close', (code) => resolve(code))));
      const [dataset] = (await call('listDatasets', {})).json().value;
      await call('rescanDataset', { datasetId: dataset.id });
      for (const message of await Promise.all(progress)) assert.equal(message.payload.datasetId, dataset.id);
      await extra.close();
      assert.deepEqual(await Promise.all(closed), [1001, 1001]);
    } finally {
      await extra.close();
    }
  });

  test('a missing renderer build is explained', async () => {
    const bare = await serveStudio(studio, path.join(temp.path, 'not-built'));
    try {
      const answer = await request(bare.port, { path: `/?token=${bare.token}` });
      assert.equal(answer.status, 503);
      assert.match(answer.body.toString(), /npm run build:renderer/);
    } finally {
      await bare.close();
    }
  });
});
