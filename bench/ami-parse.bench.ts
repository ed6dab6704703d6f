/**
 * ami-parse: how fast our AMI parser turns Asterisk's bytes into messages, against the parsing
 * code of the two npm AMI clients, fed the same bytes in the same run.
 *
 * Input: the Asterisk → client stream of the busiest recording in fixtures/ami (most bytes;
 * banner left out), repeated to 16 MiB, fed three ways:
 *   - 16k:     16 KiB chunks, what a busy socket delivers;
 *   - message: one message per chunk, what a quiet Asterisk delivers (and what the recordings hold);
 *   - whole:   the first 512 KiB as one chunk (smaller: asterisk-ami-client re-decodes the rest of
 *              its buffer for every message, so its cost grows with the square of the chunk size).
 *
 * Only parsing is measured, each library through the code its client runs on every socket read:
 *   - ours: `new AmiParser(sink, { expectGreeting: false })`, `push(chunk)` per chunk; a message is
 *     an `AmiMessage` with its headers split (`size` is read: the parser leaves a message's
 *     headers unsplit until something lists them, and the npm parsers split every message, so
 *     the compared row does the same). The row "headers on demand" reads only `Event`, as the
 *     gateway does for the half of the traffic it drops; it is shown, not judged.
 *   - asterisk-manager 0.2.0: `ManagerReader(context, data)` from lib/ami.js — the socket 'data'
 *     handler, bound to the socket set to utf-8, so its input is the chunks through a
 *     StringDecoder (as the socket would decode them); a message is the object it emits as
 *     'rawevent'. The function is not exported: lib/ami.js is loaded from node_modules in a
 *     wrapper that also returns it (its code runs unchanged).
 *   - asterisk-ami-client 1.1.5: its connection pipes the socket into `AmiEventsStream` of
 *     asterisk-ami-events-stream (loaded through asterisk-ami-connector, as the client loads
 *     it); `_transform(chunk, 'buffer', done)` is called directly, without stream plumbing, and
 *     `push` (the copy it forwards downstream) is a no-op; a message is the object it emits as
 *     'amiEvent' or 'amiResponse'.
 * Every parser must report the same number of messages, or the run fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { AmiParser, type AmiMessage } from '@callgate/ami';
import { median, thousands, timeMs, type BenchOutcome, type Benchmark, type BenchTable } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'fixtures', 'ami');
const require = createRequire(import.meta.url);
const TARGET_RATIO = 5;

interface Parser {
  name: string;
  /** Parses every chunk with a fresh parser; returns the number of messages produced. */
  parse(chunks: readonly Buffer[]): number;
}

// ---- the parsers -------------------------------------------------------------------------------

const ours = callgateParser('callgate AmiParser', (message) => message.size > 0);
const oursOnDemand = callgateParser('callgate AmiParser, headers on demand', (message) => message.event !== '');

/** Our parser; `read` is what is done with each message (true: it counts). */
function callgateParser(name: string, read: (message: AmiMessage) => boolean): Parser {
  return {
    name,
    parse(chunks) {
      let n = 0;
      const parser = new AmiParser(
        {
          greeting: () => {},
          message: (message) => {
            if (read(message)) n++;
          },
          error: (e) => {
            throw e;
          },
        },
        { expectGreeting: false },
      );
      for (const chunk of chunks) parser.push(chunk);
      return n;
    },
  };
}

type ManagerReader = (this: { emit: (name: string, item: unknown) => void }, context: object, data: string) => void;

function asteriskManager(): Parser {
  const file = require.resolve('asterisk-manager/lib/ami.js');
  const source = readFileSync(file, 'utf8');
  // The CommonJS wrapper Node itself uses, plus one line handing back the module-private reader.
  const wrapper = vm.runInThisContext(
    `(function (require, module, exports) {${source}\n;module.exports.__ManagerReader = ManagerReader;\n})`,
    { filename: file },
  ) as (req: NodeJS.Require, module: { exports: Record<string, unknown> }, exports: object) => void;
  const module = { exports: {} as Record<string, unknown> };
  wrapper(createRequire(file), module, module.exports);
  const reader = module.exports.__ManagerReader as ManagerReader;
  return {
    name: `asterisk-manager ${version('asterisk-manager')}`,
    parse(chunks) {
      let n = 0;
      const self = {
        emit: (): void => {
          n++;
        },
      };
      const context = {};
      const decoder = new StringDecoder('utf8');
      for (const chunk of chunks) reader.call(self, context, decoder.write(chunk));
      return n;
    },
  };
}

interface EventsStream {
  on(event: string, fn: () => void): void;
  push: (chunk: unknown) => boolean;
  _transform(chunk: Buffer, encoding: string, done: () => void): void;
}

function asteriskAmiClient(): Parser {
  const connector = createRequire(require.resolve('asterisk-ami-client')).resolve('asterisk-ami-connector');
  const AmiEventsStream = createRequire(connector)('asterisk-ami-events-stream') as new () => EventsStream;
  return {
    name: `asterisk-ami-client ${version('asterisk-ami-client')}`,
    parse(chunks) {
      let n = 0;
      const count = (): void => {
        n++;
      };
      const stream = new AmiEventsStream();
      stream.push = () => true;
      stream.on('amiEvent', count);
      stream.on('amiResponse', count);
      stream.on('amiAction', count);
      const done = (): void => {};
      for (const chunk of chunks) stream._transform(chunk, 'buffer', done);
      return n;
    },
  };
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

// ---- the input ---------------------------------------------------------------------------------

/** The recording with the most bytes from Asterisk, whatever the set on disk is. */
function busiestRecording(): { id: string; messages: Buffer[] } {
  let best: { id: string; messages: Buffer[]; bytes: number } | undefined;
  for (const version of readdirSync(FIXTURES).filter((v) => v.startsWith('asterisk-'))) {
    for (const file of readdirSync(join(FIXTURES, version)).filter((f) => f.endsWith('.jsonl'))) {
      const lines = readFileSync(join(FIXTURES, version, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { dir: string; raw: string; conn: number });
      const messages: Buffer[] = [];
      for (const conn of new Set(lines.map((l) => l.conn))) {
        const text = lines
          .filter((l) => l.conn === conn && l.dir === 'in')
          .map((l) => l.raw)
          .join('');
        const body = text.slice(text.indexOf('\r\n') + 2); // the banner line
        for (const m of body.split(/(?<=\r\n\r\n)/)) if (m !== '') messages.push(Buffer.from(m, 'utf8'));
      }
      const bytes = messages.reduce((s, m) => s + m.length, 0);
      if (!best || bytes > best.bytes) best = { id: `${version}/${file}`, messages, bytes };
    }
  }
  if (!best) throw new Error(`no recordings in ${FIXTURES}`);
  return best;
}

interface Mode {
  name: string;
  description: string;
  chunks: Buffer[];
  bytes: number;
  messages: number;
}

function modes(size: 'tiny' | 'full'): { source: string; modes: Mode[] } {
  const { id, messages } = busiestRecording();
  const streamBytes = size === 'tiny' ? 64 * 1024 : 16 * 1024 * 1024;
  const wholeBytes = size === 'tiny' ? 16 * 1024 : 512 * 1024;
  const all: Buffer[] = [];
  for (let bytes = 0, i = 0; bytes < streamBytes; i++) {
    const m = messages[i % messages.length] as Buffer;
    all.push(m);
    bytes += m.length;
  }
  const stream = Buffer.concat(all);
  const chunks16k: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 16 * 1024) chunks16k.push(stream.subarray(i, i + 16 * 1024));
  const prefix: Buffer[] = [];
  for (let bytes = 0, i = 0; bytes < wholeBytes; i++) {
    prefix.push(all[i] as Buffer);
    bytes += (all[i] as Buffer).length;
  }
  const whole = Buffer.concat(prefix);
  return {
    source: id,
    modes: [
      { name: '16k', description: '16 KiB chunks', chunks: chunks16k, bytes: stream.length, messages: all.length },
      {
        name: 'message',
        description: 'one message per chunk',
        chunks: all,
        bytes: stream.length,
        messages: all.length,
      },
      { name: 'whole', description: 'one chunk', chunks: [whole], bytes: whole.length, messages: prefix.length },
    ],
  };
}

// ---- the run -----------------------------------------------------------------------------------

const benchmark: Benchmark = {
  name: 'ami-parse',
  description: 'AMI parse throughput: callgate AmiParser vs asterisk-manager and asterisk-ami-client parsers',
  run(ctx): BenchOutcome {
    const parsers = [ours, oursOnDemand, asteriskManager(), asteriskAmiClient()];
    const input = modes(ctx.size);
    const warmup = ctx.size === 'tiny' ? 0 : 2;
    const runs = ctx.size === 'tiny' ? 1 : 7;
    const rows: BenchTable['rows'] = [];
    const targets: BenchOutcome['targets'] = [];
    const data: Record<string, unknown> = { source: input.source, warmup, runs, modes: {} };
    for (const mode of input.modes) {
      const times = new Map<Parser, number[]>(parsers.map((p) => [p, []]));
      for (let r = 0; r < warmup + runs; r++) {
        // Interleaved, so a noisy moment on this shared machine hits every parser alike.
        for (const parser of parsers) {
          let n = 0;
          const ms = timeMs(() => {
            n = parser.parse(mode.chunks);
          });
          if (n !== mode.messages)
            throw new Error(`${parser.name} parsed ${n} of ${mode.messages} messages (${mode.name})`);
          if (r >= warmup) times.get(parser)?.push(ms);
        }
        ctx.log(`ami-parse: ${mode.name} round ${r + 1}/${warmup + runs}`);
      }
      const medianMs = (p: Parser): number => median(times.get(p) ?? []);
      const oursMs = medianMs(ours);
      const modeData: Record<string, unknown> = {
        bytes: mode.bytes,
        messages: mode.messages,
        chunks: mode.chunks.length,
      };
      for (const parser of parsers) {
        const ms = medianMs(parser);
        const mbps = mode.bytes / 2 ** 20 / (ms / 1000);
        rows.push([
          `${mode.name} (${mode.description})`,
          parser.name,
          ms.toFixed(1),
          thousands(mode.messages / (ms / 1000)),
          mbps.toFixed(1),
          parser === ours
            ? '1.0×'
            : ms < oursMs
              ? `${(oursMs / ms).toFixed(1)}× faster`
              : `${(ms / oursMs).toFixed(1)}× slower`,
        ]);
        modeData[parser.name] = {
          runsMs: times.get(parser),
          medianMs: ms,
          messagesPerS: mode.messages / (ms / 1000),
          MiBPerS: mbps,
        };
      }
      const fastestBaseline = Math.min(...parsers.filter((p) => p !== ours && p !== oursOnDemand).map(medianMs));
      const ratio = fastestBaseline / oursMs;
      targets.push({
        name: `ours ≥ ${TARGET_RATIO}× the faster npm parser (${mode.description})`,
        met: ratio >= TARGET_RATIO,
        detail: `${ratio.toFixed(1)}×`,
      });
      modeData.ratioToFasterBaseline = ratio;
      (data.modes as Record<string, unknown>)[mode.name] = modeData;
    }
    return {
      tables: [
        {
          title: `Input: ${input.source} (Asterisk → client, banner left out), medians of ${runs} runs after ${warmup} warm-up`,
          columns: ['mode', 'parser', 'median ms', 'messages/s', 'MiB/s', 'vs ours'],
          rows,
        },
      ],
      targets,
      data,
    };
  },
};

export default benchmark;
