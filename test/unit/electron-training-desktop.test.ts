// The desktop side of training (main/electron/training-desktop.ts) without Electron:
// the studio's training events drive what the window's progress bar, the wake lock,
// the notifications and the quit confirmation do. Effects are recorded in the order
// Electron would receive them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventName, RunProgress, RunStatusChange, StudioEvents } from '../../main/api/contract.ts';
import { connectTrainingDesktop, type DesktopEffects } from '../../main/electron/training-desktop.ts';
import type { StudioEventBus } from '../../main/services/studio.ts';

/** The studio's event bus contract: typed listeners per event name. */
class Bus implements StudioEventBus {
  readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  on<K extends EventName>(name: K, cb: (payload: StudioEvents[K]) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(cb as (payload: never) => void);
    return () => set.delete(cb as (payload: never) => void);
  }
  emit<K extends EventName>(name: K, payload: StudioEvents[K]): void {
    for (const cb of this.listeners.get(name) ?? []) (cb as (p: StudioEvents[K]) => void)(payload);
  }
  count(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

type Effect = ['progress', Parameters<DesktopEffects['setProgress']>[0]] | ['awake', boolean] | ['notify', string, string];

function recorder(): { effects: DesktopEffects; log: Effect[] } {
  const log: Effect[] = [];
  return {
    log,
    effects: {
      setProgress: (progress) => log.push(['progress', progress]),
      keepAwake: (on) => log.push(['awake', on]),
      notify: (title, body) => log.push(['notify', title, body]),
    },
  };
}

function status(runId: number, s: RunStatusChange['status'], reason: string | null = null): RunStatusChange {
  return { runId, experimentId: 7, status: s, reason };
}

function progress(runId: number, step: number, totalSteps: number, phase: RunProgress['phase'] = 'training'): RunProgress {
  return { runId, experimentId: 7, latest: null, steps: [], epochDone: null, step, totalSteps, epoch: 0, epochs: 2, imagesPerSecond: null, etaSeconds: null, phase, message: null, log: [] };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('training on the desktop', () => {
  test('a run: indeterminate while queued and preparing, then the fraction of steps; awake until it ends; a notification naming the experiment', async () => {
    const bus = new Bus();
    const { effects, log } = recorder();
    const desktop = connectTrainingDesktop(bus, effects, { experimentName: async (id) => (id === 7 ? 'Quick look on holiday photos' : null) });
    assert.equal(desktop.busyReason(), null, 'nothing runs yet: quitting needs no question');

    bus.emit('runStatusChanged', status(3, 'queued'));
    assert.deepEqual(log.splice(0), [['progress', { mode: 'indeterminate' }], ['awake', true]]);
    assert.equal(desktop.busyReason(), 'A training run is paused or waiting');

    bus.emit('runStatusChanged', status(3, 'running'));
    bus.emit('runProgress', progress(3, 0, 0, 'preparing'));
    bus.emit('runProgress', progress(3, 5, 20));
    assert.deepEqual(log.splice(0), [
      ['progress', { mode: 'indeterminate' }],
      ['progress', { mode: 'indeterminate' }],
      ['progress', { mode: 'normal', fraction: 0.25 }],
    ]);
    assert.equal(desktop.busyReason(), 'Run 3 is training (step 5 of 20)');

    bus.emit('runStatusChanged', status(3, 'done', 'Trained 2 epochs.'));
    await flush();
    assert.deepEqual(log.splice(0), [
      ['progress', { mode: 'none' }],
      ['awake', false],
      ['notify', 'Training finished', '“Quick look on holiday photos” (run 3) has finished. Trained 2 epochs.'],
    ]);
    assert.equal(desktop.busyReason(), null);
  });

  test('pausing shows a paused bar and lets the machine sleep; cancelling does not notify', async () => {
    const bus = new Bus();
    const { effects, log } = recorder();
    const desktop = connectTrainingDesktop(bus, effects);
    bus.emit('runStatusChanged', status(1, 'running'));
    bus.emit('runProgress', progress(1, 10, 40));
    log.splice(0);

    bus.emit('runStatusChanged', status(1, 'paused'));
    assert.deepEqual(log.splice(0), [['progress', { mode: 'paused', fraction: 0.25 }], ['awake', false]]);
    assert.equal(desktop.busyReason(), 'A training run is paused or waiting');

    bus.emit('runStatusChanged', status(1, 'running'));
    assert.deepEqual(log.splice(0), [['progress', { mode: 'normal', fraction: 0.25 }], ['awake', true]]);

    bus.emit('runStatusChanged', status(1, 'cancelled', 'Cancelled by you.'));
    await flush();
    assert.deepEqual(log.splice(0), [['progress', { mode: 'none' }], ['awake', false]], 'the person cancelled: no notification');
  });

  test('a failure notifies with the reason, without a name when the experiment is unknown', async () => {
    const bus = new Bus();
    const { effects, log } = recorder();
    connectTrainingDesktop(bus, effects, { experimentName: async () => Promise.reject(new Error('deleted')) });
    bus.emit('runStatusChanged', status(9, 'running'));
    bus.emit('runStatusChanged', status(9, 'failed', 'the loss became NaN at step 12'));
    await flush();
    const notes = log.filter((e) => e[0] === 'notify');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]![1], 'Training failed');
    assert.match(notes[0]![2] as string, /^Run 9 stopped: the loss became NaN at step 12\./);
  });

  test('a queue: the bar follows the run that trains, the machine stays awake until the last one ends', () => {
    const bus = new Bus();
    const { effects, log } = recorder();
    const desktop = connectTrainingDesktop(bus, effects);
    bus.emit('runStatusChanged', status(1, 'running'));
    bus.emit('runStatusChanged', status(2, 'queued'));
    bus.emit('runProgress', progress(1, 3, 4));
    assert.deepEqual(log.at(-1), ['progress', { mode: 'normal', fraction: 0.75 }]);
    assert.equal(desktop.busyReason(), 'Run 1 is training (step 3 of 4)');

    bus.emit('runStatusChanged', status(1, 'done'));
    assert.deepEqual(log.at(-1), ['progress', { mode: 'indeterminate' }], 'run 2 waits for the worker');
    assert.equal(log.filter((e) => e[0] === 'awake').length, 1, 'still awake: run 2 is queued');
    bus.emit('runStatusChanged', status(2, 'running'));
    bus.emit('runProgress', progress(2, 8, 8));
    assert.deepEqual(log.at(-1), ['progress', { mode: 'normal', fraction: 1 }]);
    bus.emit('runStatusChanged', status(2, 'interrupted', 'The app was closed.'));
    assert.deepEqual(log.slice(-2), [['progress', { mode: 'none' }], ['awake', false]]);
  });

  test('dispose unsubscribes, removes the bar and releases the wake lock', () => {
    const bus = new Bus();
    const { effects, log } = recorder();
    const desktop = connectTrainingDesktop(bus, effects);
    assert.equal(bus.count(), 2);
    bus.emit('runStatusChanged', status(1, 'running'));
    log.splice(0);
    desktop.dispose();
    assert.equal(bus.count(), 0);
    assert.deepEqual(log.splice(0), [['progress', { mode: 'none' }], ['awake', false]]);
    bus.emit('runProgress', progress(1, 1, 2));
    assert.deepEqual(log, [], 'events after dispose change nothing');
    assert.equal(desktop.busyReason(), null);
  });
});
