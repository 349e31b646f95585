// Runs the real `simclr-studio serve` as a subprocess for tests: waits for its
// "listening on <url>" line, exposes the URL and token, and stops it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(PROJECT_ROOT, 'bin', 'simclr-studio.js');

/** The line main/cli/serve.ts prints once it listens. */
const LISTENING = /^simclr-studio serve: listening on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))$/m;

export interface ServeProcess {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Sends SIGTERM (once) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  dataDir: string;
  /** Extra command-line arguments. */
  args?: readonly string[];
  /** Guard against a server that never starts (not a timing assertion). */
  startupLimitMs?: number;
}

/** Runs `simclr-studio <args>` to completion; for commands that fail fast. */
export function runCli(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

export function startServe(options: ServeOptions): Promise<ServeProcess> {
  const args = ['serve', '--port', '0', '--data-dir', options.dataDir, ...(options.args ?? [])];
  // process.execPath is the project's Node 24 (tests run under node_modules/.bin/node).
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let stopping: Promise<number | null> | null = null;

  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simclr-studio serve did not print its URL within ${options.startupLimitMs ?? 60000} ms:\n${output}`));
    }, options.startupLimitMs ?? 60000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(limit);
      const [, url, port, token] = match;
      resolve({
        url: url!,
        origin: new URL(url!).origin,
        port: Number(port),
        token: token!,
        child,
        output: () => output,
        stop() {
          stopping ??= (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'), exited);
          return stopping;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(limit);
      reject(new Error(`simclr-studio serve exited with code ${code} before listening:\n${output}`));
    });
  });
}
