/**
 * What a `callgate` sub-command is, and the shared flag parsing that gives every command the
 * same `--help` and the same clear error for an unknown or malformed flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandContext {
  /** Standard output and error, injectable so commands are testable without a subprocess. */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM: long-running commands drain and return. */
  signal: AbortSignal;
}

export interface Command {
  /** `sim`, `ami`, … ; sub-commands (`ami decode`) are handled by the command itself. */
  name: string;
  /** One line for `callgate --help`. */
  summary: string;
  /** Full help text for `callgate NAME --help`. */
  help: string;
  /** Returns the process exit code. */
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** A user mistake on the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'CLI_ERR_USAGE';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, turning its errors into `UsageError`s with the flag named. */
export function parseFlags<O extends Options>(
  args: string[],
  options: O,
  allowPositionals = false,
): {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean; strict: true }>>['values'];
  positionals: string[];
} {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** Reads a required string flag or throws a UsageError naming it. */
export function required(value: string | boolean | undefined | (string | boolean)[], flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing required flag --${flag}`);
  return value;
}

/** Parses an integer flag (port, count) or throws a UsageError naming it. */
export function intFlag(
  value: string | undefined,
  flag: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}
