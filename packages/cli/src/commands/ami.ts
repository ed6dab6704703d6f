/**
 * `callgate ami record|decode`: the field tools for AMI traces (format in docs/ami-traces.md).
 * `record` taps a live Asterisk and writes every TCP read as a trace line; `decode` prints every
 * message of a trace as one JSON object per line, for reading and diffing.
 */
import { readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { decodeTrace, parseTrace, traceItemToJson } from '@callgate/ami';
import { intFlag, parseFlags, required, UsageError, type Command, type CommandContext } from '../command.js';
import { recordTrace } from '../ami-recorder.js';

const help = `Usage:
  callgate ami decode FILE
      Print every message of an AMI trace (JSON lines {t, dir, raw, conn}) as one JSON object
      per line: {"t","dir","conn","headers":[[key,value],…]}, the banner as {"t","dir","conn","greeting"}.
      Values are exactly as sent after the single space that follows the colon.

  callgate ami record --host H --port P --user U --secret-file F --out FILE
                      [--auth md5|plain] [--events MASK] [--duration SECONDS]
      Log in to a live Asterisk and write its AMI traffic to FILE as a trace, until Ctrl-C or
      --duration. Reconnects after a drop (the next connection gets the next "conn" number).
      The secret is read from F and never written: Secret and Key values are masked in the trace.`;

async function decode(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('decode takes exactly one trace file');
  const text = await readFile(positionals[0] as string, 'utf8');
  for (const item of decodeTrace(parseTrace(text))) ctx.stdout.write(`${traceItemToJson(item)}\n`);
  return 0;
}

async function record(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    user: { type: 'string' },
    'secret-file': { type: 'string' },
    out: { type: 'string' },
    auth: { type: 'string' },
    events: { type: 'string' },
    duration: { type: 'string' },
  });
  const auth = values.auth ?? 'md5';
  if (auth !== 'md5' && auth !== 'plain') throw new UsageError('--auth must be md5 or plain');
  const secret = (await readFile(required(values['secret-file'], 'secret-file'), 'utf8')).trim();
  const out = createWriteStream(required(values.out, 'out'), { flags: 'w' });
  const durationS = intFlag(values.duration, 'duration', 1);
  const signal =
    durationS === undefined ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(durationS * 1000)]);
  const summary = await recordTrace({
    host: required(values.host, 'host'),
    port: intFlag(required(values.port, 'port'), 'port', 1, 65535) as number,
    username: required(values.user, 'user'),
    secret,
    auth,
    events: values.events ?? 'on',
    signal,
    write: (line) => out.write(`${line}\n`),
    log: (message) => ctx.stderr.write(`${message}\n`),
  });
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  ctx.stderr.write(`recorded ${summary.lines} chunks over ${summary.connections} connection(s)\n`);
  return 0;
}

export const amiCommand: Command = {
  name: 'ami',
  summary: 'record a live AMI session to a trace file, or decode a trace',
  help,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'decode') return decode(rest, ctx);
    if (sub === 'record') return record(rest, ctx);
    throw new UsageError(sub === undefined ? 'missing sub-command (record or decode)' : `unknown sub-command "${sub}"`);
  },
};
