// `simclr-studio train | embed | eval` as subprocesses on generated folders: the JSON
// contract of issue 3 item 11 and every bad input it lists. Tiny settings keep it fast.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, lastJsonLine, runStudioCli } from '../helpers/cli.ts';
import { createTempDir, type TempDir, writeImage, writeLabelledFolder } from '../helpers/image-fixtures.ts';

const TINY = ['--image-size', '16', '--width', '0.125', '--epochs', '2', '--backend', 'wasm'];

let tmp: TempDir;
let train: string;
let testFolder: string;
let runDir: string;

function cli(...args: string[]): Promise<CliResult> {
  return runStudioCli(path.join(tmp.path, 'data'), args);
}

before(async () => {
  tmp = await createTempDir('simclr-cli-train-');
  train = path.join(tmp.path, 'train');
  testFolder = path.join(tmp.path, 'test');
  runDir = path.join(tmp.path, 'run');
  await writeLabelledFolder(train, { classes: { red: 6, blue: 6 }, size: 20 });
  await writeLabelledFolder(testFolder, { classes: { red: 3, blue: 3 }, size: 20, seedOffset: 50 });
});
after(async () => {
  await tmp.remove();
});

describe('train → embed → eval', () => {
  test('train clamps an oversized batch with a warning, checkpoints, exports and prints the JSON', async () => {
    const r = await cli('train', train, '--run-dir', runDir, '--batch-size', '64', ...TINY, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: batch size 64 is larger than the 12 usable images; using batch size 12/);
    const out = lastJsonLine(r);
    assert.deepEqual(Object.keys(out).slice(0, 6), ['run_dir', 'epochs', 'steps', 'final_loss', 'images_per_s', 'backend']);
    assert.equal(out.run_dir, runDir);
    assert.equal(out.epochs, 2);
    assert.equal(out.steps, 2);
    assert.equal(out.backend, 'wasm');
    assert.ok(typeof out.final_loss === 'number' && Number.isFinite(out.final_loss));
    assert.ok((out.images_per_s as number) > 0);
    await fs.access(path.join(runDir, 'checkpoints', 'last.ckpt'));
    await fs.access(path.join(runDir, 'encoder', 'model.json'));
    await fs.access(path.join(runDir, 'encoder', 'weights.bin'));
    const metrics = (await fs.readFile(path.join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(metrics.filter((m) => m.type === 'step').length, 2);
    assert.equal(metrics.filter((m) => m.type === 'epoch').length, 2);
  });

  test('embed writes N×D float32 .npy and the paths in the same order', async () => {
    const out = path.join(tmp.path, 'exports', 'new folder', 'h.npy'); // created by embed
    const r = await cli('embed', testFolder, '--run-dir', runDir, '--out', out, '--json');
    assert.equal(r.code, 0, r.stderr);
    const summary = lastJsonLine(r);
    assert.equal(summary.images, 6);
    const bytes = await fs.readFile(out);
    const headerLength = bytes.readUInt16LE(8);
    const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
    assert.match(header, /'descr': '<f4', 'fortran_order': False, 'shape': \(6, (\d+)\)/);
    const dim = Number(/\(6, (\d+)\)/.exec(header)![1]);
    assert.equal(dim, summary.dim);
    assert.equal(bytes.length - 10 - headerLength, 6 * dim * 4);
    const csv = (await fs.readFile(path.join(tmp.path, 'exports', 'new folder', 'h.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'index,path,label');
    assert.equal(csv.length, 7);
    assert.match(csv[1]!, /^0,.*blue.*,blue$/);
  });

  test('eval knn on the run and eval linear on a random-init baseline print the JSON', async () => {
    const knn = await cli('eval', 'knn', '--train', train, '--test', testFolder, '--run-dir', runDir, '--k', '3', '--json');
    assert.equal(knn.code, 0, knn.stderr);
    const k = lastJsonLine(knn);
    assert.equal(k.k, 3);
    assert.equal(k.n_train, 12);
    assert.equal(k.n_test, 6);
    assert.ok((k.top1 as number) >= 0 && (k.top1 as number) <= 1);
    const linear = await cli('eval', 'linear', '--train', train, '--test', testFolder, '--random-init', '--width', '0.125', '--image-size', '16', '--json');
    assert.equal(linear.code, 0, linear.stderr);
    const l = lastJsonLine(linear);
    assert.deepEqual([l.n_train, l.n_test, l.method], [12, 6, 'linear']);
  });

  test('--resume with a changed config is refused, naming the field; the checkpoint is untouched', async () => {
    const file = path.join(runDir, 'checkpoints', 'last.ckpt');
    const before = await fs.readFile(file);
    const r = await cli('train', train, '--run-dir', runDir, '--resume', '--temperature', '0.2', '--backend', 'wasm');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /config differs in temperature \(checkpoint 0.5, now 0.2\)/);
    const again = await cli('train', train, '--run-dir', runDir, ...TINY);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already holds a training run .*pass --resume/);
    assert.deepEqual(await fs.readFile(file), before);
  });
});

describe('bad input', () => {
  test('a run directory that is a file, and a missing folder', async () => {
    const file = path.join(tmp.path, 'a-file');
    await fs.writeFile(file, 'x');
    const r = await cli('train', train, '--run-dir', file, ...TINY);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--run-dir .*a-file is a file, not a folder/);
    const missing = await cli('train', path.join(tmp.path, 'nowhere'), '--run-dir', path.join(tmp.path, 'r-m'), ...TINY);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /folder not found: .*nowhere/);
  });

  test('an empty folder', async () => {
    const empty = path.join(tmp.path, 'empty');
    await fs.mkdir(empty);
    const r = await cli('train', empty, '--run-dir', path.join(tmp.path, 'r-empty'), ...TINY);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no images in .*empty/);
  });

  test('a folder with one image, and one with no readable image', async () => {
    const one = path.join(tmp.path, 'one');
    await writeImage(path.join(one, 'only.png'), { width: 20, height: 20 });
    const r = await cli('train', one, '--run-dir', path.join(tmp.path, 'r-one'), ...TINY);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /at least 2 usable images .*found 1/);
    const junk = path.join(tmp.path, 'junk');
    await fs.mkdir(junk);
    await fs.writeFile(path.join(junk, 'notes.jpg'), 'text, not a picture');
    const j = await cli('train', junk, '--run-dir', path.join(tmp.path, 'r-junk'), ...TINY);
    assert.equal(j.code, 1);
    assert.match(j.stderr, /no usable images .*notes\.jpg: not an image: a text file/s);
  });

  test('image size below 8, unknown backbone and optimiser list the valid choices', async () => {
    const small = await cli('train', train, '--run-dir', path.join(tmp.path, 'r-x'), '--image-size', '6');
    assert.equal(small.code, 1);
    assert.match(small.stderr, /--image-size: image size must be at least 8 pixels/);
    const backbone = await cli('train', train, '--run-dir', path.join(tmp.path, 'r-x'), '--backbone', 'vgg16');
    assert.match(backbone.stderr, /unknown --backbone 'vgg16': choose one of resnet18, resnet34, resnet50/);
    const optimizer = await cli('train', train, '--run-dir', path.join(tmp.path, 'r-x'), '--optimizer', 'adam');
    assert.match(optimizer.stderr, /unknown --optimizer 'adam': choose one of lars, sgd, adamw/);
    assert.equal(optimizer.code, 1);
    await assert.rejects(fs.access(path.join(tmp.path, 'r-x')), 'nothing is written for bad flags');
  });

  test('a corrupt or foreign checkpoint is refused and never overwritten', async () => {
    const broken = path.join(tmp.path, 'r-broken');
    await fs.mkdir(path.join(broken, 'checkpoints'), { recursive: true });
    const file = path.join(broken, 'checkpoints', 'last.ckpt');
    const good = await fs.readFile(path.join(runDir, 'checkpoints', 'last.ckpt'));
    const damaged = Buffer.from(good.subarray(0, good.length - 100));
    await fs.writeFile(file, damaged);
    const r = await cli('train', train, '--run-dir', broken, '--resume', '--backend', 'wasm');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /last\.ckpt is damaged/);
    assert.deepEqual(await fs.readFile(file), damaged);
    await fs.writeFile(file, 'PK\x03\x04 a zip file');
    const e = await cli('embed', train, '--run-dir', broken, '--out', path.join(tmp.path, 'x.npy'));
    assert.equal(e.code, 1);
    assert.match(e.stderr, /is not a SimCLR Studio checkpoint/);
    const v = await cli('eval', 'knn', '--train', train, '--test', testFolder, '--run-dir', broken);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /is not a SimCLR Studio checkpoint/);
    assert.equal(await fs.readFile(file, 'utf8'), 'PK\x03\x04 a zip file');
  });

  test('eval needs exactly one encoder source and classes the train folder knows', async () => {
    const both = await cli('eval', 'knn', '--train', train, '--test', testFolder, '--run-dir', runDir, '--random-init');
    assert.match(both.stderr, /exactly one of --run-dir D or --random-init/);
    const method = await cli('eval', 'svm', '--train', train, '--test', testFolder, '--random-init');
    assert.match(method.stderr, /unknown --method 'svm': choose one of knn, linear/);
    const other = path.join(tmp.path, 'other');
    await writeLabelledFolder(other, { classes: { green: 2, red: 1 }, size: 20, seedOffset: 90 });
    const unknown = await cli('eval', 'knn', '--train', train, '--test', other, '--random-init', '--width', '0.125', '--image-size', '16');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /class 'green' does not exist in the training folder \(classes: blue, red\)/);
  });
});
