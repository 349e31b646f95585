// WorkerClient (main/services/worker-client.ts), the request/reply client of the image
// and index threads, against a real tiny worker thread (test/fixtures/echo-worker.ts)
// that echoes after a delay, fails or dies on request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { WorkerClient, type WorkerDeath } from '../../main/services/worker-client.ts';
import type { EchoBody, EchoReply } from '../fixtures/echo-worker.ts';

const ECHO_URL = new URL('../fixtures/echo-worker.ts', import.meta.url);

/** The echoed value and the thread that echoed it. */
type Echoed = { value: string; threadId: number };

/** A client whose context is a label; `deaths` records each `died` call. */
function echoClient(url = ECHO_URL) {
  const deaths: { death: WorkerDeath; label: string }[] = [];
  const client = new WorkerClient<EchoBody, EchoReply, Echoed, string>({
    url,
    settle: (reply, label) => {
      if ('error' in reply) throw new Error(`${label} failed: ${reply.error}`);
      return { value: reply.value, threadId: reply.threadId };
    },
    died: (death, label) => {
      deaths.push({ death, label });
      return new Error(`${label}: the thread stopped (${'error' in death ? death.error.message : `exit code ${death.exitCode}`})`);
    },
    closing: () => new Error('closing'),
    closed: () => new Error('closed'),
  });
  return { client, deaths };
}

const echo = (value: string, delayMs = 0): EchoBody => ({ op: 'echo', value, delayMs });

test('replies are matched by id when they come back out of order', async () => {
  const { client } = echoClient();
  try {
    const order: string[] = [];
    const slow = client.call(echo('slow', 300), 'slow').then((r) => (order.push(r.value), r));
    const fast = client.call(echo('fast', 0), 'fast').then((r) => (order.push(r.value), r));
    const middle = client.call(echo('middle', 100), 'middle').then((r) => (order.push(r.value), r));
    const [s, f, m] = await Promise.all([slow, fast, middle]);
    assert.deepEqual([s.value, f.value, m.value], ['slow', 'fast', 'middle']);
    assert.deepEqual(order, ['fast', 'middle', 'slow'], 'the replies did not arrive out of order, so the test shows nothing');
    assert.equal(new Set([s.threadId, f.threadId, m.threadId]).size, 1, 'one thread serves every call');
  } finally {
    await client.close();
  }
});

test('an error reply fails that call only, through settle and with its context', async () => {
  const { client } = echoClient();
  try {
    const failing = client.call({ op: 'fail', message: 'bad input' }, 'the lookup');
    const fine = client.call(echo('still here'), 'echo');
    await assert.rejects(failing, { message: 'the lookup failed: bad input' });
    assert.equal((await fine).value, 'still here');
  } finally {
    await client.close();
  }
});

test('the thread holds the process only while calls are pending (ref, then unref when idle)', async () => {
  // The child makes a first call, then a slow one it does not await, and never closes the client.
  const script = fileURLToPath(new URL('../fixtures/worker-client-idle.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30_000 });
  assert.equal(stdout, 'first reply\nlate reply\n', 'the pending call did not keep the process alive until its reply');
  // Reaching here means the child exited by itself with its idle thread still running
  // (a hang would have been killed by the timeout and rejected).
});

test('an exit rejects every pending call, and the next call starts a fresh thread', async () => {
  const { client, deaths } = echoClient();
  try {
    const first = await client.call(echo('before'), 'before');
    const pending = client.call(echo('never', 5_000), 'a long echo');
    const exiting = client.call({ op: 'exit', code: 3 }, 'the exit');
    await Promise.all([
      assert.rejects(pending, { message: 'a long echo: the thread stopped (exit code 3)' }),
      assert.rejects(exiting, { message: 'the exit: the thread stopped (exit code 3)' }),
    ]);
    assert.deepEqual(deaths.map((d) => d.label).sort(), ['a long echo', 'the exit']);
    const after = await client.call(echo('after'), 'after');
    assert.equal(after.value, 'after');
    assert.notEqual(after.threadId, first.threadId, 'the next call went to a new thread');
  } finally {
    await client.close();
  }
});

test("an uncaught error on the thread fails the pending calls once, with the thread's error", async () => {
  const { client, deaths } = echoClient();
  try {
    const pending = client.call(echo('never', 5_000), 'a long echo');
    void client.call({ op: 'throw', message: 'kaboom' }, 'the throw').catch(() => undefined);
    await assert.rejects(pending, { message: 'a long echo: the thread stopped (kaboom)' });
    const died = deaths.find((d) => d.label === 'a long echo')!;
    assert.ok('error' in died.death && died.death.error instanceof Error);
    // 'exit' follows 'error': it must not reach the fresh thread's calls or call `died` again.
    const after = await client.call(echo('after', 200), 'after');
    assert.equal(after.value, 'after');
    assert.equal(deaths.length, 2, "'exit' after 'error' failed calls again");
  } finally {
    await client.close();
  }
});

test('terminate() acts as a crash: pending calls fail through died, the next call restarts', async () => {
  const { client } = echoClient();
  try {
    const pending = assert.rejects(client.call(echo('never', 5_000), 'a long echo'), { message: /^a long echo: the thread stopped \(exit code \d+\)$/ });
    await client.terminate();
    await pending;
    assert.equal(client.closed, false);
    assert.equal((await client.call(echo('again'), 'again')).value, 'again');
  } finally {
    await client.close();
  }
});

test('close() fails the pending calls as closing and every later call as closed', async () => {
  const { client, deaths } = echoClient();
  const pending = assert.rejects(client.call(echo('never', 5_000), 'a long echo'), { message: 'closing' });
  await client.close();
  assert.equal(client.closed, true);
  await pending;
  await assert.rejects(client.call(echo('late'), 'late'), { message: 'closed' });
  assert.deepEqual(deaths, [], 'the exit caused by close() is not reported as a death');
  await client.close(); // twice is harmless
});

test('a thread that cannot be started makes call() throw synchronously (so callers can fall back)', () => {
  const { client } = echoClient(new URL('https://example.invalid/echo-worker.js'));
  assert.throws(() => client.call(echo('x'), 'x'), { code: 'ERR_INVALID_URL_SCHEME' });
});
