// Pause, resume and cancel semantics of the controller the app's worker drives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrainController } from '../../worker/simclr/trainer-control.ts';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

test('running: waitWhilePaused resolves at once', async () => {
  const c = new TrainController();
  assert.equal(await settled(c.waitWhilePaused()), true);
});

test('paused: waiters are held until resume, then all released', async () => {
  const c = new TrainController();
  c.pause();
  assert.equal(c.paused, true);
  const a = c.waitWhilePaused();
  const b = c.waitWhilePaused();
  assert.equal(await settled(a), false);
  c.resume();
  assert.equal(await settled(a), true);
  assert.equal(await settled(b), true);
  assert.equal(c.signal.aborted, false);
});

test('cancel while paused releases the waiters and aborts the signal', async () => {
  const c = new TrainController();
  c.pause();
  const waiting = c.waitWhilePaused();
  c.cancel();
  assert.equal(await settled(waiting), true);
  assert.equal(c.signal.aborted, true);
  // Once cancelled, nothing waits any more even if paused again.
  c.pause();
  assert.equal(await settled(c.waitWhilePaused()), true);
});
