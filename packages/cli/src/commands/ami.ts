/**
 * `callgate ami record|decode`: the field tools for AMI traces (format in docs/ami-traces.md).
 * `record` taps a live Asterisk and writes every TCP read as a trace line; `decode` prints every
 * message of a trace as one JSON object per line, for reading and diffing.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseTraceLine, traceItemToJson, TraceDecoder, type TraceItem } from '@callgate/ami';
import { intFlag, parseFlags, required, UsageError, type Command, type CommandContext } from '../command.js';
import { recordTrace } from '../ami-recorder.js';

const help = `Usage:
  callgate ami decode FILE
      Print every message of an AMI trace (JSON lines {t, dir, raw, conn}) as one JSON object
      per line: {"t","dir","conn","headers":[[key,value],…]}, the banner as {"t","dir","conn","greeting"}.
      Values are exactly as sent after the single space that follows the colon. A message over
      the size limit, or a stream cut off inside a message, is printed as {"t","dir","conn","error"}.

  callgate ami record --host H --port P --user U --secret-file F --out FILE
                      [--auth md5|plain] [--events MASK] [--duration SECONDS]
      Log in to a live Asterisk and write its AMI traffic to FILE as a trace, until Ctrl-C or
      --duration. Reconnects after a drop (the next connection gets the next "conn" number).
      The secret is read from F and never written: Secret and Key values are masked in the trace.
      --auth     md5 (default: challenge/response, the secret never crosses the wire) or plain
      --events   the Login Events mask (default on: every event class the user may read)`;

/** Writes a line to stdout, waiting when the pipe is full; false once the reader has gone. */
async function writeLine(ctx: CommandContext, line: string, closed: { value: boolean }): Promise<boolean> {
  if (closed.value) return false;
  if (!ctx.stdout.write(line)) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        ctx.stdout.off('drain', done);
        ctx.stdout.off('close', done);
        ctx.stdout.off('error', done);
        resolve();
      };
      ctx.stdout.on('drain', done);
      ctx.stdout.on('close', done);
      ctx.stdout.on('error', done);
    });
  }
  return !closed.value;
}

/** A file problem as one line naming the file and its role (no stack, no duplicated code). */
function fileError(error: unknown, role: string, file: string): never {
  const e = error as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
  throw new Error(`cannot open ${role} ${file}: ${reason}`);
}

function openFile(file: string, flags: 'r' | 'w', role: string): Promise<FileHandle> {
  return open(file, flags).catch((e: unknown) => fileError(e, role, file));
}

async function decode(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('decode takes exactly one trace file');
  const file = positionals[0] as string;
  // Open first so a missing file is one clear error, not a stream error event.
  const handle = await openFile(file, 'r', 'trace file');
  const input = handle.createReadStream({ encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  // `callgate ami decode x | head`: stop quietly when the reader goes away (EPIPE).
  const closed = { value: false };
  const onClose = (): void => {
    closed.value = true;
  };
  ctx.stdout.on('error', onClose);
  ctx.stdout.on('close', onClose);
  const queue: TraceItem[] = [];
  const decoder = new TraceDecoder((item) => queue.push(item));
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      decoder.push(parseTraceLine(text.trim(), lineNumber));
      for (const item of queue.splice(0)) {
        if (!(await writeLine(ctx, `${traceItemToJson(item)}\n`, closed))) return 0;
      }
    }
    decoder.end();
    for (const item of queue.splice(0)) {
      if (!(await writeLine(ctx, `${traceItemToJson(item)}\n`, closed))) return 0;
    }
  } finally {
    lines.close();
    input.destroy();
    ctx.stdout.off('error', onClose);
    ctx.stdout.off('close', onClose);
  }
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
  // Every flag is checked before anything is read or created.
  const host = required(values.host, 'host');
  const port = intFlag(required(values.port, 'port'), 'port', 1, 65535) as number;
  const username = required(values.user, 'user');
  const secretFile = required(values['secret-file'], 'secret-file');
  const outFile = required(values.out, 'out');
  const auth = values.auth ?? 'md5';
  if (auth !== 'md5' && auth !== 'plain') throw new UsageError(`--auth must be md5 or plain, got "${auth}"`);
  const durationS = intFlag(values.duration, 'duration', 1);
  const secret = (
    await readFile(secretFile, 'utf8').catch((e: unknown) => fileError(e, 'secret file', secretFile))
  ).trim();
  if (secret === '') throw new UsageError(`the secret file ${secretFile} is empty`);

  const out = await openFile(outFile, 'w', 'output file');
  const stop = new AbortController();
  const signal =
    durationS === undefined
      ? AbortSignal.any([ctx.signal, stop.signal])
      : AbortSignal.any([ctx.signal, stop.signal, AbortSignal.timeout(durationS * 1000)]);
  // Lines are appended in order; a failed write (disk full) stops the recording with an error.
  let writeError: Error | undefined;
  let writing = Promise.resolve();
  const write = (line: string): void => {
    writing = writing.then(async () => {
      if (writeError) return;
      try {
        await out.write(`${line}\n`);
      } catch (error) {
        writeError = error instanceof Error ? error : new Error(String(error));
        stop.abort();
      }
    });
  };
  let summary: Awaited<ReturnType<typeof recordTrace>>;
  try {
    summary = await recordTrace({
      host,
      port,
      username,
      secret,
      auth,
      events: values.events ?? 'on',
      signal,
      write,
      log: (message) => ctx.stderr.write(`${message}\n`),
    });
    await writing;
  } finally {
    await out.close();
  }
  if (writeError) throw writeError;
  ctx.stderr.write(`recorded ${summary.lines} chunks over ${summary.connections} connection(s) to ${outFile}\n`);
  if (summary.loginRefused) {
    ctx.stderr.write(
      `callgate ami record: AMI login refused for user ${username}; check manager.conf and the secret\n`,
    );
    return 1;
  }
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
