// `simclr-studio scan` as a user runs it: a subprocess of bin/simclr-studio.js.
// Unreadable files and folders (chmod 000) only mean something to a non-root user,
// so when the tests run as root (CI does) those cases run the CLI as 'nobody'.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createTempDir, writeBadInputs, writeImage, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/simclr-studio.js', import.meta.url));
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { uid?: number } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-cli-');
});
after(async () => {
  await tmp.remove();
});

describe('simclr-studio scan', () => {
  test('--json: the last line is exactly the documented object', async () => {
    const root = path.join(tmp.path, 'photos');
    await writeLabelledFolder(root, { classes: { cat: 2, dog: 2 } });
    await writeFile(path.join(root, 'bad.jpg'), 'not a picture');
    const data = path.join(tmp.path, 'data-json');
    const first = await runCli(['scan', root, '--data-dir', data, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(lastLine(first.stdout));
    assert.deepEqual(Object.keys(result), ['dataset_id', 'images', 'added', 'changed', 'removed', 'skipped']);
    assert.equal(result.images, 4);
    assert.equal(result.added, 4);
    assert.equal(result.skipped.length, 1);
    assert.deepEqual(Object.keys(result.skipped[0]), ['path', 'reason']);
    assert.equal(result.skipped[0].path, 'bad.jpg');
    assert.match(result.skipped[0].reason, /'bad\.jpg' is named like an image/);

    // Running it again re-scans the same dataset.
    const second = await runCli(['scan', root, '--data-dir', data, '--json']);
    const again = JSON.parse(lastLine(second.stdout));
    assert.equal(again.dataset_id, result.dataset_id);
    assert.deepEqual([again.images, again.added, again.changed, again.removed], [4, 0, 0, 0]);
  });

  test('human output summarises and lists skipped files with their reasons', async () => {
    const root = path.join(tmp.path, 'human');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    await writeFile(path.join(root, 'empty.png'), '');
    const out = await runCli(['scan', root, '--data-dir', path.join(tmp.path, 'data-human')]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /1 image — 1 added, 0 changed, 0 removed, 1 skipped/);
    assert.match(out.stdout, /'empty\.png' is empty \(0 bytes\)/);
  });

  test('a missing path, a file, no folder and an unknown flag exit non-zero with a message', async () => {
    const data = path.join(tmp.path, 'data-errors');
    const missing = path.join(tmp.path, 'nowhere');
    const a = await runCli(['scan', missing, '--data-dir', data]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, new RegExp(`The folder '${missing}' does not exist`));
    const file = await writeImage(path.join(tmp.path, 'single.png'));
    const b = await runCli(['scan', file, '--data-dir', data, '--json']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /is a file, not a folder/);
    const c = await runCli(['scan', '--data-dir', data]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /expected exactly one folder/);
    const d = await runCli(['scan', tmp.path, '--frobnicate']);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /frobnicate/);
  });

  test('a data directory that cannot be created exits non-zero naming it', async () => {
    const root = path.join(tmp.path, 'photos-dd');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    const blocker = await writeImage(path.join(tmp.path, 'blocker.png'));
    const data = path.join(blocker, 'data'); // a file is in the way
    const out = await runCli(['scan', root, '--data-dir', data]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, new RegExp(`The data folder '${data}' cannot be written`));
  });
});

describe('simclr-studio scan with a damaged or newer catalogue', () => {
  test('a corrupt catalogue file exits non-zero naming it, and is left untouched', async () => {
    const root = path.join(tmp.path, 'photos-corrupt-db');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    const data = path.join(tmp.path, 'data-corrupt-db');
    await mkdir(data);
    const dbFile = path.join(data, 'studio.sqlite');
    await writeFile(dbFile, 'not a database '.repeat(400));
    const out = await runCli(['scan', root, '--data-dir', data, '--json']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, new RegExp(`The catalogue database '${dbFile}' is damaged`));
    assert.equal(await readFile(dbFile, 'utf8'), 'not a database '.repeat(400));
  });

  test('a catalogue from a newer version exits non-zero and says so', async () => {
    const root = path.join(tmp.path, 'photos-newer-db');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    const data = path.join(tmp.path, 'data-newer-db');
    await mkdir(data);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(data, 'studio.sqlite'));
    db.pragma('user_version = 9999');
    db.close();
    const out = await runCli(['scan', root, '--data-dir', data]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /written by a newer version of SimCLR Studio \(schema version 9999/);
  });
});

describe('simclr-studio scan as a user without permissions', { skip: process.platform === 'win32' && 'POSIX permissions only' }, () => {
  let asUser: { uid?: number } = {};
  let skipReason: string | false = false;
  before(async () => {
    if (!isRoot) return;
    asUser = { uid: NOBODY };
    // The tests' temp folder is root-only (mkdtemp 0700): let 'nobody' walk into it.
    await chmod(tmp.path, 0o755);
    const probe = await runCli(['--help'], asUser).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (probe.code !== 0) skipReason = `'nobody' cannot run the CLI from this checkout (${probe.stderr.trim().slice(0, 120)})`;
  });

  test('unreadable files and folders are skipped with "permission denied", the rest is catalogued', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const root = path.join(tmp.path, 'locked');
    await writeLabelledFolder(root, { classes: { ok: 2 } });
    const bad = await writeBadInputs(root, path.join(tmp.path, 'outside-locked'));
    const data = path.join(tmp.path, 'data-locked');
    await mkdir(data);
    if (isRoot) await chown(data, NOBODY, NOBODY);
    const out = await runCli(['scan', root, '--data-dir', data, '--json'], asUser);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(lastLine(out.stdout)) as { images: number; skipped: { path: string; reason: string }[] };
    const reasons = new Map(result.skipped.map((s) => [s.path, s.reason]));
    assert.match(reasons.get(bad.skipped.unreadableFile) ?? '', /'bad\/locked\.png' could not be read: permission denied/);
    assert.match(reasons.get(bad.skipped.unreadableFolder) ?? '', /folder 'locked-folder' could not be opened \(permission denied\)/);
    assert.equal(result.images, 2 + bad.validOddNames.length);
  });

  test('a folder the user cannot open is refused and not added', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const root = path.join(tmp.path, 'closed');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    await chmod(root, 0o000);
    const data = path.join(tmp.path, 'data-closed');
    await mkdir(data);
    if (isRoot) await chown(data, NOBODY, NOBODY);
    const out = await runCli(['scan', root, '--data-dir', data], asUser);
    assert.equal(out.code, 1);
    assert.match(out.stderr, new RegExp(`The folder '${root}' cannot be opened: permission denied`));
    await chmod(root, 0o755);
    const { createStudio } = await import('../../main/services/studio.ts');
    const studio = await createStudio({ dataDir: data, transport: 'web', imageWorker: false });
    try {
      assert.deepEqual(await studio.api.listDatasets({}), []);
    } finally {
      await studio.close();
    }
  });

  test('a data directory without write permission exits non-zero with "permission denied"', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const root = path.join(tmp.path, 'photos-ro');
    await writeLabelledFolder(root, { classes: { a: 1 } });
    const data = path.join(tmp.path, 'data-readonly');
    await mkdir(data);
    await chmod(data, 0o555); // root-owned (or ours) and not writable by the CLI's user
    const out = await runCli(['scan', root, '--data-dir', data], asUser);
    assert.equal(out.code, 1);
    assert.match(out.stderr, new RegExp(`The data folder '${data}' cannot be written \\(permission denied\\)`));
  });
});
