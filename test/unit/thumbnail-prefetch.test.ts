// ThumbnailService.prefetchDatasets (the pass the app resumes at start): datasets are
// done one after another, never all at once, since every render in flight holds a whole
// file in memory; and nothing starts after close(). Real SQLite catalogue, real scans,
// real sharp renders (in-process tasks, counted as they run).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { Catalogue } from '../../main/services/library/catalogue.ts';
import { createInProcessImageTasks, type ImageTasks } from '../../main/services/library/image-tasks.ts';
import { LibraryService } from '../../main/services/library/library-service.ts';
import { ThumbnailService } from '../../main/services/thumbnails/thumbnail-service.ts';
import { createTempDir, writeLabelledFolder, type TempDir } from '../helpers/image-fixtures.ts';

let tmp: TempDir;
let db: Db;
let library: LibraryService;
const datasetIds: number[] = [];
let running = 0;
let mostAtOnce = 0;
let rendered = 0;
/** The real in-process tasks, with the renders in flight counted. */
const realTasks = createInProcessImageTasks();
const countingTasks: ImageTasks = {
  ...realTasks,
  async thumbnail(job) {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      return await realTasks.thumbnail(job);
    } finally {
      running--;
      rendered++;
    }
  },
};

before(async () => {
  tmp = await createTempDir('simclr-prefetch-');
  db = openDatabase(path.join(tmp.path, 'studio.sqlite'));
  library = new LibraryService(new Catalogue(db), realTasks);
  for (const name of ['first', 'second', 'third']) {
    const root = path.join(tmp.path, name);
    await writeLabelledFolder(root, { classes: { a: 6 }, format: 'jpeg', seedOffset: datasetIds.length * 10 });
    datasetIds.push((await library.addFolder(root)).datasetId);
  }
});
after(async () => {
  db.close();
  await tmp.remove();
});

describe('ThumbnailService.prefetchDatasets', () => {
  test('goes through the datasets one after another, bulkConcurrency renders at most', async () => {
    const service = new ThumbnailService({ cacheDir: path.join(tmp.path, 'thumbs-a'), source: library, tasks: countingTasks, bulkConcurrency: 2 });
    await service.prefetchDatasets(datasetIds);
    assert.equal(rendered, 18, 'every image of the three datasets');
    assert.equal(mostAtOnce, 2, 'never more than one dataset’s renders at once');
    await service.close();
  });

  test('starts nothing after close()', async () => {
    rendered = 0;
    const service = new ThumbnailService({ cacheDir: path.join(tmp.path, 'thumbs-b'), source: library, tasks: countingTasks, bulkConcurrency: 2 });
    await service.close();
    await service.prefetchDatasets(datasetIds);
    assert.equal(await service.prefetchDataset(datasetIds[0]!), 0);
    assert.equal(rendered, 0);
  });

  test('a pass running when close() is called starts no render after it', async () => {
    // The pass's first images are between their cache lookup and their render when
    // close() runs: close() must not return while renders can still begin (they would
    // write into the cache and the catalogue of a studio already closed).
    rendered = 0;
    const service = new ThumbnailService({ cacheDir: path.join(tmp.path, 'thumbs-c'), source: library, tasks: countingTasks, bulkConcurrency: 2 });
    const pass = service.prefetchDataset(datasetIds[0]!);
    await service.close();
    const begunByClose = rendered + running;
    assert.equal(await pass, 0, 'nothing made once closed');
    assert.equal(rendered, begunByClose, 'no render began after close() returned');
  });
});
