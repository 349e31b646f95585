// Ctrl-C during `simclr-studio train` cancels between steps and saves a checkpoint
// (exit 130); `--resume` with the same flags then finishes the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { readCheckpoint } from '../../worker/simclr/checkpoint.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const node = path.join(repo, 'node_modules', '.bin', 'node');
const bin = path.join(repo, 'bin', 'simclr-studio.js');

let tmp: TempDir;
before(async () => {
  tmp = await createTempDir('simclr-resume-cli-');
  await writeLabelledFolder(path.join(tmp.path, 'images'), { classes: { a: 6, b: 6 }, size: 20 });
});
after(async () => {
  await tmp.remove();
});

/** Runs the CLI; calls onStderr with each chunk and the child, so the test can signal it. */
function run(args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [bin, ...args], { cwd: repo, env: { ...process.env, SIMCLR_STUDIO_DATA_DIR: path.join(tmp.path, 'data') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, () => child.kill('SIGINT'));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('SIGINT saves a checkpoint at a step boundary and --resume completes the run', async () => {
  const runDir = path.join(tmp.path, 'run');
  const flags = ['train', path.join(tmp.path, 'images'), '--run-dir', runDir, '--image-size', '16', '--width', '0.125', '--batch-size', '4', '--epochs', '3', '--backend', 'wasm'];
  let signalled = false;
  const first = await run(flags, (text, kill) => {
    if (!signalled && /epoch 1\/3:/.test(text)) {
      signalled = true;
      kill();
    }
  });
  assert.ok(signalled, first.stderr);
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stderr, /cancelled at step \d+\/9; checkpoint saved to .*last\.ckpt/);
  const saved = await readCheckpoint(path.join(runDir, 'checkpoints', 'last.ckpt'));
  assert.ok(saved.step >= 3 && saved.step < 9, `step ${saved.step}`);
  await assert.rejects(fs.access(path.join(runDir, 'encoder', 'model.json')), 'no encoder export for a cancelled run');

  const second = await run([...flags, '--resume', '--json']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`resuming at step ${saved.step}`));
  const out = JSON.parse(second.stdout.trim().split('\n').pop()!);
  assert.equal(out.steps, 9);
  assert.equal(out.epochs, 3);
  await fs.access(path.join(runDir, 'encoder', 'model.json'));
});
