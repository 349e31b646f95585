// createStudio: the data directory, the catalogue file, events and the sample
// dataset, as the Electron shell, the web server and the CLI use them.
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStudio, DATABASE_FILE } from '../../main/services/studio.ts';
import { createTempDir, writeImage, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-studio-');
});
after(async () => {
  await tmp.remove();
});

describe('createStudio', () => {
  test('creates a missing data directory (and parents) with the catalogue in it', async () => {
    const dataDir = path.join(tmp.path, 'deep', 'new', 'data');
    const studio = await createStudio({ dataDir, transport: 'electron' });
    try {
      assert.ok((await stat(path.join(dataDir, DATABASE_FILE))).isFile());
      const info = await studio.api.getAppInfo({});
      assert.equal(info.dataDir, dataDir);
      assert.equal(info.transport, 'electron');
      assert.match(info.version, /^\d+\.\d+\.\d+/);
    } finally {
      await studio.close();
    }
  });

  test('a data directory that cannot be written is a clear error naming it', async () => {
    const blocker = await writeImage(path.join(tmp.path, 'blocker.png'));
    const dataDir = path.join(blocker, 'data');
    await assert.rejects(createStudio({ dataDir, transport: 'web' }), (e: Error) => e.name === 'DataDirError' && e.message.includes(`'${dataDir}'`));
  });

  test('a corrupt catalogue is refused naming the file, and left as it was', async () => {
    const dataDir = path.join(tmp.path, 'corrupt');
    await mkdir(dataDir);
    const file = path.join(dataDir, DATABASE_FILE);
    await writeFile(file, 'garbage '.repeat(600));
    await assert.rejects(createStudio({ dataDir, transport: 'web' }), (e: Error) => e.name === 'DatabaseCorruptError' && e.message.includes(file));
    assert.equal(await readFile(file, 'utf8'), 'garbage '.repeat(600));
  });

  test('two studios on one data directory (app and CLI) see the same library', async () => {
    const dataDir = path.join(tmp.path, 'shared');
    const root = path.join(tmp.path, 'shared-photos');
    await writeLabelledFolder(root, { classes: { s: 2 } });
    const app = await createStudio({ dataDir, transport: 'electron', thumbnailsAfterScan: false });
    const cli = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false });
    try {
      const { datasetId } = await cli.api.addDataset({ path: root });
      const seen = await app.api.listDatasets({});
      assert.deepEqual(seen.map((d) => [d.id, d.imageCount]), [[datasetId, 2]]);
    } finally {
      await app.close();
      await cli.close();
    }
  });

  test('close() can be called twice', async () => {
    const studio = await createStudio({ dataDir: path.join(tmp.path, 'twice'), transport: 'web' });
    await studio.close();
    await studio.close();
  });
});

describe('events', () => {
  test('datasetsChanged fires on add and remove; unsubscribing stops delivery', async () => {
    const studio = await createStudio({ dataDir: path.join(tmp.path, 'events'), transport: 'web', thumbnailsAfterScan: false });
    try {
      const root = path.join(tmp.path, 'events-photos');
      await writeLabelledFolder(root, { classes: { e: 1 } });
      let changes = 0;
      const off = studio.events.on('datasetsChanged', (payload) => {
        assert.deepEqual(payload, {});
        changes++;
      });
      const { datasetId } = await studio.api.addDataset({ path: root });
      assert.ok(changes >= 2, 'added, then ready');
      const afterAdd = changes;
      await studio.api.removeDataset({ datasetId });
      assert.equal(changes, afterAdd + 1);
      off();
      await studio.api.addDataset({ path: root });
      assert.equal(changes, afterAdd + 1);
    } finally {
      await studio.close();
    }
  });

  test('a listener that throws does not break the scan', async () => {
    const studio = await createStudio({ dataDir: path.join(tmp.path, 'throwing'), transport: 'web', thumbnailsAfterScan: false });
    const originalError = console.error;
    console.error = () => undefined; // the hub logs the listener's failure
    try {
      const root = path.join(tmp.path, 'throwing-photos');
      await writeLabelledFolder(root, { classes: { t: 2 } });
      studio.events.on('scanProgress', () => {
        throw new Error('window closed');
      });
      const result = await studio.api.addDataset({ path: root });
      assert.equal(result.images, 2);
    } finally {
      console.error = originalError;
      await studio.close();
    }
  });
});

describe('addSampleDataset', () => {
  test('scans the configured sample folder', async () => {
    const sampleDir = path.join(tmp.path, 'sample-images');
    await writeLabelledFolder(sampleDir, { classes: { circle: 2, square: 2 } });
    const studio = await createStudio({ dataDir: path.join(tmp.path, 'sample'), transport: 'web', sampleDir, thumbnailsAfterScan: false });
    try {
      const result = await studio.api.addSampleDataset({});
      assert.equal(result.images, 4);
      assert.equal((await studio.api.listDatasets({}))[0]!.name, 'sample-images');
    } finally {
      await studio.close();
    }
  });

  test('without a sample folder, or with a missing one, the message says so', async () => {
    const none = await createStudio({ dataDir: path.join(tmp.path, 'no-sample'), transport: 'web' });
    const missingDir = path.join(tmp.path, 'not-installed');
    const missing = await createStudio({ dataDir: path.join(tmp.path, 'missing-sample'), transport: 'web', sampleDir: missingDir });
    try {
      await assert.rejects(none.api.addSampleDataset({}), /sample images are not part of this installation/);
      await assert.rejects(missing.api.addSampleDataset({}), (e: Error) => e.message.includes(`'${missingDir}' is missing`));
    } finally {
      await none.close();
      await missing.close();
    }
  });
});

describe('start-up', () => {
  test("a dataset left 'scanning' by a process that stopped mid-scan is 'ready' again", async () => {
    const dataDir = path.join(tmp.path, 'interrupted');
    const root = path.join(tmp.path, 'interrupted-photos');
    await writeLabelledFolder(root, { classes: { i: 2 } });
    const first = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false });
    const { datasetId } = await first.api.addDataset({ path: root });
    await first.close();
    // What a crash mid-scan leaves behind.
    const { openDatabase } = await import('../../main/db/open.ts');
    const db = openDatabase(path.join(dataDir, DATABASE_FILE));
    db.prepare("UPDATE datasets SET status = 'scanning' WHERE id = ?").run(datasetId);
    db.close();
    const second = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false });
    try {
      const [summary] = await second.api.listDatasets({});
      assert.deepEqual([summary!.status, summary!.imageCount], ['ready', 2]);
    } finally {
      await second.close();
    }
  });
});

describe('the data folder inside a dataset', () => {
  test('is never scanned: adding a parent of it does not catalogue thumbnails or the database', async () => {
    const home = path.join(tmp.path, 'home');
    await writeLabelledFolder(home, { classes: { pictures: 2 } });
    const studio = await createStudio({ dataDir: path.join(home, 'AppData', 'SimCLR Studio'), transport: 'web', thumbnailsAfterScan: false });
    try {
      const first = await studio.api.addDataset({ path: home });
      await studio.thumbnails.thumbnailFile(first.datasetId, 'pictures/pictures-0.png'); // puts a .webp in the data folder
      const again = await studio.api.rescanDataset({ datasetId: first.datasetId });
      assert.equal(again.images, 2);
      assert.equal(again.added, 0);
      assert.deepEqual(again.skipped, []);
    } finally {
      await studio.close();
    }
  });
});
