// Crash recovery for real: a studio runs in a SUBPROCESS and trains; it is SIGKILLed in
// the middle of its second epoch (after the first epoch's checkpoint). A new studio on
// the same data directory shows the run as 'interrupted' with the reason, and resuming
// continues from the checkpoint's step and completes, storing every step exactly once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunProgress, RunStatusChange } from '../../main/api/contract.ts';
import { createStudio, type Studio } from '../../main/services/studio.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

// 12 images, batch 2: 6 steps per epoch, 12 in all.
const CONFIG = { ...TINY_RUN_CONFIG, batchSize: 2, epochs: 2, seed: 4 };
const STEPS_PER_EPOCH = 6;
const STUDIO_MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../main/services/studio.ts')).href;

let tmp: TempDir;
let dataDir: string;
let folder: string;
let studio: Studio | undefined;

before(async () => {
  tmp = await createTempDir('simclr-recovery-');
  dataDir = path.join(tmp.path, 'data');
  folder = path.join(tmp.path, 'images');
  await writeLabelledFolder(folder, { classes: { a: 6, b: 6 }, size: 20 });
});

after(async () => {
  await studio?.close();
  await tmp.remove();
});

/** The child: a studio that adds the folder, starts a run and prints every progress event as a JSON line. */
const CHILD = `
import { createStudio } from ${JSON.stringify(STUDIO_MODULE)};
const [dataDir, folder, config] = process.argv.slice(2);
const studio = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 10 });
const scan = await studio.api.addDataset({ path: folder });
const experiment = await studio.api.createExperiment({ datasetId: scan.datasetId, name: 'crash test', config: JSON.parse(config) });
studio.events.on('runProgress', (p) => console.log(JSON.stringify({ step: p.step, epochDone: p.epochDone?.epoch ?? null })));
const run = await studio.api.startRun({ experimentId: experiment.id });
console.log(JSON.stringify({ runId: run.id, experimentId: experiment.id }));
`;

test('a run killed mid-epoch is interrupted on the next start and resumes from its checkpoint', async () => {
  const script = path.join(tmp.path, 'child.mjs');
  await writeFile(script, CHILD);
  const child = spawn(process.execPath, [script, dataDir, folder, JSON.stringify(CONFIG)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let ids: { runId: number; experimentId: number } | undefined;
  let killedAt = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { runId?: number; experimentId?: number; step?: number; epochDone?: number | null };
    if (message.runId !== undefined) ids = { runId: message.runId, experimentId: message.experimentId! };
    // Past the first epoch's checkpoint (step 6) and inside the second epoch.
    if (message.step !== undefined && message.step > STEPS_PER_EPOCH + 1 && message.step < 2 * STEPS_PER_EPOCH) {
      killedAt = message.step;
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL', `the child was killed mid-run (stderr: ${stderr})`);
  assert.ok(ids, 'the child started a run');
  assert.ok(killedAt > STEPS_PER_EPOCH);

  studio = await createStudio({ dataDir, transport: 'web', thumbnailsAfterScan: false, trainingBackend: 'wasm', progressIntervalMs: 10 });
  const before = (await studio.api.getExperiment({ experimentId: ids.experimentId })).runs[0]!;
  assert.equal(before.id, ids.runId);
  assert.equal(before.status, 'interrupted');
  assert.match(before.reason ?? '', new RegExp(`the app stopped while this run was running; resume continues from its last checkpoint \\(step ${STEPS_PER_EPOCH}\\)`));
  assert.equal(before.resumable, true);

  const statuses: RunStatusChange[] = [];
  const progress: RunProgress[] = [];
  studio.events.on('runProgress', (p) => progress.push(p));
  const done = new Promise<RunStatusChange>((resolve) =>
    studio!.events.on('runStatusChanged', (s) => {
      statuses.push(s);
      if (s.runId === ids!.runId && (s.status === 'done' || s.status === 'failed')) resolve(s);
    }),
  );
  const resumed = await studio.api.startRun({ experimentId: ids.experimentId, resume: true });
  assert.equal(resumed.id, ids.runId, 'the same run continues');
  assert.equal(resumed.step, STEPS_PER_EPOCH, 'it restarts from the checkpoint step');
  const end = await done;
  assert.equal(end.status, 'done', end.reason ?? '');
  const firstStreamed = progress.flatMap((p) => p.steps)[0];
  assert.equal(firstStreamed?.step, STEPS_PER_EPOCH + 1, 'the first step after resuming follows the checkpoint');

  const metrics = await studio.api.getRunMetrics({ runId: ids.runId });
  assert.deepEqual(metrics.steps.map((s) => s.step), Array.from({ length: 12 }, (_, i) => i + 1), 'every step once: the lost steps were run again, not duplicated');
  assert.deepEqual(metrics.epochs.map((e) => e.epoch), [1, 2]);
  const after = (await studio.api.getExperiment({ experimentId: ids.experimentId })).runs[0]!;
  assert.equal(after.status, 'done');
  assert.equal(after.resumeCount, 1);
  assert.equal(after.step, 12);
});
