// The one long-lived worker thread, for real: the backend it reports, train jobs with
// progress and their log lines, a FIFO queue (two jobs one after another, never together), pause/resume and
// cancel (also while the worker is still starting), a failing job that leaves the worker usable, a killed worker replaced for the
// next job, an interactive preview while a run trains, a job id already in use refused
// (interactive or queued), and a clean close.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JobCancelledError, WorkerFailedError, WorkerHost, type WorkerHostEvent } from '../../main/services/worker-host/worker-host.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../worker/simclr/config.ts';
import type { TrainJobProgress, TrainJobRequest } from '../../worker/jobs/train-job.ts';
import { createTempDir, type TempDir, writeLabelledFolder } from '../helpers/image-fixtures.ts';
import { TINY_RUN_CONFIG } from '../helpers/tiny-run.ts';

const TINY: TrainConfigInput = { ...TINY_RUN_CONFIG, seed: 1 };

let tmp: TempDir;
let folder: string;
let images: { path: string; relativePath: string }[];
let host: WorkerHost;
const events: WorkerHostEvent[] = [];

function request(runName: string, overrides: Partial<TrainJobRequest> = {}, config: TrainConfigInput = TINY): TrainJobRequest {
  return {
    folder,
    images,
    config: resolveTrainConfig(config),
    runDir: path.join(tmp.path, 'runs', runName),
    cacheDir: path.join(tmp.path, 'cache'),
    resume: false,
    ...overrides,
  };
}

before(async () => {
  tmp = await createTempDir('simclr-worker-host-');
  folder = path.join(tmp.path, 'images');
  const rels = await writeLabelledFolder(folder, { classes: { a: 4, b: 4 }, size: 20 });
  images = rels.map((rel) => ({ path: path.join(folder, rel), relativePath: rel }));
  host = new WorkerHost({ backend: 'wasm', onEvent: (e) => events.push(e) });
});

after(async () => {
  await host.close();
  await tmp.remove();
});

describe('WorkerHost', () => {
  test('starts one worker lazily and reports the backend it chose', async () => {
    assert.equal(host.ready, undefined, 'no worker before the first job');
    const ready = await host.whenReady();
    assert.equal(ready.backend, 'wasm');
    assert.match(ready.detail, /tfjs-backend-wasm/);
    assert.deepEqual(events.map((e) => e.type), ['starting', 'ready']);
  });

  test('a train job sends started, step and epoch progress and completes', async () => {
    const progress: TrainJobProgress[] = [];
    const lines: string[] = [];
    const result = await host.run('train', request('one'), { onProgress: (p) => progress.push(p), onLog: (level, message) => lines.push(`${level} ${message}`) });
    assert.equal(result.status, 'completed');
    assert.match(lines[0] ?? '', /^info training on wasm: /, 'the job\'s own log lines reach its onLog');
    assert.match(lines.at(-1) ?? '', /^info encoder written to .*encoder$/);
    assert.equal(result.steps, 2); // 8 images, batch 4, 1 epoch
    assert.ok(result.encoderDir?.endsWith('encoder'));
    const types = progress.map((p) => p.type);
    assert.ok(types.includes('preparing'));
    assert.equal(types.filter((t) => t === 'step').length, 2);
    assert.equal(types.filter((t) => t === 'epoch').length, 1);
    const started = progress.find((p) => p.type === 'started');
    assert.deepEqual(started, { type: 'started', datasetSize: 8, totalSteps: 2, startStep: 0, backend: 'wasm' });
  });

  test('two jobs submitted together run one after another, in order', async () => {
    const log: string[] = [];
    const track = (name: string) => ({
      onStart: () => log.push(`${name} start`),
      onProgress: (p: TrainJobProgress) => {
        if (p.type === 'step') log.push(`${name} step`);
      },
    });
    const [a, b] = await Promise.all([host.run('train', request('q-a'), track('a')), host.run('train', request('q-b'), track('b'))]);
    assert.equal(a.status, 'completed');
    assert.equal(b.status, 'completed');
    assert.deepEqual(log, ['a start', 'a step', 'a step', 'b start', 'b step', 'b step']);
  });

  test('pause holds the job between steps; resume continues; cancel stops with a checkpoint', async () => {
    const steps: number[] = [];
    const held: number[] = [];
    let stepsWhileHeld: number[] = [];
    const job = host.run('train', request('pause', {}, { ...TINY, epochs: 3 }), {
      jobId: 'pausing',
      onProgress: (p) => {
        if (p.type === 'held') {
          held.push(p.step);
          // Holding: wait a moment, note the steps, then resume.
          setTimeout(() => {
            stepsWhileHeld = [...steps];
            host.resume('pausing');
          }, 300);
        }
        if (p.type !== 'step') return;
        steps.push(p.metrics.step);
        if (p.metrics.step === 1) host.pause('pausing');
        if (p.metrics.step === 4) host.cancel('pausing');
      },
    });
    const result = await job;
    assert.equal(held.length, 1, 'the job said once that it holds');
    assert.ok(held[0]! <= 2, `it held after the step in flight (${held[0]})`);
    assert.equal(stepsWhileHeld.at(-1), held[0], 'no step while held');
    assert.equal(result.status, 'cancelled');
    assert.ok(result.steps >= 4 && result.steps < 6, `stopped early at ${result.steps}`);
    assert.ok(result.lastCheckpoint?.endsWith('last.ckpt'));
    assert.equal(result.encoderDir, null);
  });

  test('a queued job can be cancelled before it starts', async () => {
    const first = host.run('train', request('c-1'));
    const second = host.run('train', request('c-2'), { jobId: 'queued' });
    assert.deepEqual(host.queuedJobIds, ['queued']);
    assert.equal(host.cancel('queued'), true);
    await assert.rejects(second, JobCancelledError);
    assert.equal((await first).status, 'completed');
  });

  test('a job that throws fails with its message; the same worker runs the next job', async () => {
    const restarts = host.restarts;
    await assert.rejects(host.run('train', request('few', { images: images.slice(0, 1) })), /at least 2 usable images/);
    await assert.rejects(host.run('train', request('gone', { images: [{ path: path.join(tmp.path, 'nope.png'), relativePath: 'nope.png' }, images[0]!] })), /at least 2 usable images/);
    assert.equal((await host.run('train', request('after-failure'))).status, 'completed');
    assert.equal(host.restarts, restarts, 'no new worker was needed');
  });

  test('a preview runs while a training job is paused, without waiting for it', async () => {
    let startedTraining!: () => void;
    const trainingStarted = new Promise<void>((resolve) => (startedTraining = resolve));
    const training = host.run('train', request('long', {}, { ...TINY, epochs: 5 }), {
      jobId: 'long',
      onProgress: (p) => {
        if (p.type === 'step' && p.metrics.step === 1) {
          host.pause('long');
          startedTraining();
        }
      },
    });
    await trainingStarted;
    const preview = await host.run('preview', { images: images.slice(0, 3), config: resolveTrainConfig(TINY), seed: 7, cacheDir: path.join(tmp.path, 'cache') }, { interactive: true });
    assert.equal(preview.items.length, 3);
    assert.equal(preview.items[0]!.first.length, 16 * 16 * 3);
    assert.notDeepEqual(preview.items[0]!.first, preview.items[0]!.second, 'two different views');
    assert.equal(host.currentJobId, 'long', 'the run is still the current job');
    host.cancel('long');
    assert.equal((await training).status, 'cancelled');
  });

  test('a job run with a long-lived abort signal leaves no listener on it once it has finished', async () => {
    const session = new AbortController();
    assert.equal((await host.run('train', request('signal-a'), { signal: session.signal })).status, 'completed');
    await assert.rejects(host.run('train', request('signal-b', { images: images.slice(0, 1) }), { signal: session.signal }), /at least 2 usable images/);
    assert.equal(getEventListeners(session.signal, 'abort').length, 0);
  });

  test('an interactive job is refused when its id is taken by a live job, naming the id; the live jobs go on', async () => {
    let started!: () => void;
    const trainingStarted = new Promise<void>((resolve) => (started = resolve));
    const training = host.run('train', request('busy-id', {}, { ...TINY, epochs: 5 }), {
      jobId: 'busy-id',
      onProgress: (p) => {
        if (p.type === 'step' && p.metrics.step === 1) {
          host.pause('busy-id');
          started();
        }
      },
    });
    await trainingStarted;
    const previewRequest = { images: images.slice(0, 2), config: resolveTrainConfig(TINY), seed: 3, cacheDir: path.join(tmp.path, 'cache') };
    await assert.rejects(host.run('preview', previewRequest, { jobId: 'busy-id', interactive: true }), /a job with id 'busy-id' is already queued or running/);
    // Two interactive jobs with one id sent together: the second is refused at once, the first runs.
    const first = host.run('preview', previewRequest, { jobId: 'twice', interactive: true });
    await assert.rejects(host.run('preview', previewRequest, { jobId: 'twice', interactive: true }), /'twice'/);
    // And a queued job may not take the id of a live interactive one.
    await assert.rejects(host.run('train', request('twice-train'), { jobId: 'twice' }), /'twice'/);
    assert.equal((await first).items.length, 2);
    assert.equal(host.currentJobId, 'busy-id', 'the run was not disturbed');
    host.cancel('busy-id');
    assert.equal((await training).status, 'cancelled');
    // Once settled, the ids are free again.
    assert.equal((await host.run('preview', previewRequest, { jobId: 'twice', interactive: true })).items.length, 2);
  });

  test('a job cancelled while the worker is still starting never runs; the job queued after it does', async () => {
    // A fresh host: its worker is still choosing its backend when the jobs arrive.
    const starting = new WorkerHost({ backend: 'wasm' });
    try {
      const starts: string[] = [];
      const early = starting.run('train', request('early'), { jobId: 'early', onStart: () => starts.push('early') });
      const next = starting.run('train', request('after-early'), { jobId: 'after-early', onStart: () => starts.push('after-early') });
      const preview = starting.run('preview', { images: images.slice(0, 2), config: resolveTrainConfig(TINY), seed: 5, cacheDir: path.join(tmp.path, 'cache') }, { jobId: 'early-preview', interactive: true });
      assert.equal(starting.currentJobId, 'early', 'taken from the queue, waiting for the worker');
      assert.equal(starting.ready, undefined, 'the worker is not ready yet');
      assert.equal(starting.cancel('early'), true);
      assert.equal(starting.cancel('early-preview'), true);
      await Promise.all([assert.rejects(early, JobCancelledError), assert.rejects(preview, JobCancelledError)]);
      assert.equal((await next).status, 'completed', 'the queue goes on after the cancelled job');
      assert.deepEqual(starts, ['after-early'], 'the cancelled job was never sent to the worker');
    } finally {
      await starting.close();
    }
  });

  test('a job paused while the worker is still starting starts paused', async () => {
    const starting = new WorkerHost({ backend: 'wasm' });
    try {
      const seen: string[] = [];
      const job = starting.run('train', request('early-pause'), {
        jobId: 'early-pause',
        onProgress: (p) => {
          if (p.type !== 'held' && p.type !== 'step') return;
          seen.push(p.type);
          if (p.type === 'held') starting.resume('early-pause');
        },
      });
      assert.equal(starting.ready, undefined, 'the worker is not ready yet');
      assert.equal(starting.pause('early-pause'), true);
      assert.equal((await job).status, 'completed');
      assert.equal(seen[0], 'held', `it held before its first step (${seen.join(', ')})`);
    } finally {
      await starting.close();
    }
  });

  test('a killed worker fails its job with the reason; the next job gets a new worker', async () => {
    const restarts = host.restarts;
    const job = host.run('train', request('killed', {}, { ...TINY, epochs: 4 }), {
      onProgress: (p) => {
        if (p.type === 'step' && p.metrics.step === 1) void host.terminateWorker('stopped by the test');
      },
    });
    await assert.rejects(job, (error: Error) => error instanceof WorkerFailedError && /stopped by the test/.test(error.message));
    assert.equal((await host.run('train', request('replacement'))).status, 'completed');
    assert.equal(host.restarts, restarts + 1);
    const restart = events.filter((e) => e.type === 'starting').at(-1);
    assert.deepEqual(restart, { type: 'starting', restart: true, reason: 'stopped by the test' });
  });
});
