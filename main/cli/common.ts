// Helpers shared by the CLI commands: argument parsing with clear errors and the
// `--json` convention (the last line of output is one JSON object).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../error-message.ts';

/** A failure caused by the user's input: printed as a message, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** parseArgs with strict options, turning its errors into CliError messages. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  command: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${command}: ${errorMessage(error)}`);
  }
}

/** Parses a numeric flag, naming the flag when the value is not a number. */
export function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${flag} must be a number, got '${value}'`);
  return n;
}

/** Prints the final JSON object as the last line of output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Writes one human-readable line to stderr (stdout is kept for --json and the serve URL). */
export function logLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One of `allowed`, or a CliError listing them. */
export function choiceFlag<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`unknown --${flag} '${value}': choose one of ${allowed.join(', ')}`);
  return value as T;
}
