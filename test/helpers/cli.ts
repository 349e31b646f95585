// Runs `simclr-studio <command>` as a subprocess on the project's Node 24 and collects
// its exit code and output: the CLI integration tests drive the real binary this way.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './serve.ts';

const NODE = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(PROJECT_ROOT, 'bin', 'simclr-studio.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion with its data directory set to `dataDir`; never rejects (a failure is a non-zero code). */
export function runStudioCli(dataDir: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(NODE, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, SIMCLR_STUDIO_DATA_DIR: dataDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The last line of stdout, parsed: the `--json` contract of every command. */
export function lastJsonLine<T = Record<string, unknown>>(result: CliResult): T {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** The smallest real CLI run (16 px, width 0.125, batch 4, one epoch on wasm) that later commands read. */
export const TINY_CLI_TRAIN_FLAGS = ['--image-size', '16', '--width', '0.125', '--epochs', '1', '--batch-size', '4', '--backend', 'wasm'] as const;

/** Trains `folder` into `runDir` with TINY_CLI_TRAIN_FLAGS; the result says whether it succeeded. */
export function trainTinyCliRun(dataDir: string, folder: string, runDir: string): Promise<CliResult> {
  return runStudioCli(dataDir, ['train', folder, '--run-dir', runDir, ...TINY_CLI_TRAIN_FLAGS]);
}
