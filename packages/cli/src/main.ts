/**
 * `callgate` entry: dispatches to a role, prints help, turns usage mistakes into exit code 2
 * and unexpected failures into exit code 1 with a one-line message (the stack only with
 * CALLGATE_DEBUG=1), and turns SIGINT/SIGTERM into an AbortSignal the role drains on.
 */
import { originText } from './build-origin.js';
import { UsageError, type CommandContext } from './command.js';
import { commands } from './commands.js';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'callgate — CRM and browser telephony for multi-site Asterisk call centers',
    '',
    'Usage: callgate <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `callgate <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Partial<CommandContext> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    stdout.write(`callgate 0.1.0 (${originText()})\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    stderr.write(`callgate: unknown command "${name}"\n\n${topHelp()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const ownSignal = io.signal === undefined;
  if (ownSignal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    return await command.run(rest, { stdout, stderr, signal: io.signal ?? controller.signal });
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`callgate ${name}: ${error.message}\n\n${command.help}\n`);
      return 2;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    const code = (err as { code?: unknown }).code;
    stderr.write(`callgate ${name}: ${typeof code === 'string' ? `${code}: ` : ''}${err.message}\n`);
    if (process.env.CALLGATE_DEBUG === '1' && err.stack) stderr.write(`${err.stack}\n`);
    return 1;
  } finally {
    if (ownSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
