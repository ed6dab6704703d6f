/**
 * `callgate replay TRACE --config SITE [--events] [--start ISO]`: runs the call engine over a
 * recorded AMI trace (fixtures/ami or `callgate ami record`) and prints one JSON line per call
 * record, `{"kind":"record",…}`, and with `--events` every domain event, `{"kind":"event","event":{…}}`,
 * in the order the engine produced them. For checking what the gateway would have recorded
 * from a site's traffic, and for bug reports.
 */
import { replayOutputLines, replayTraceFile } from '@callgate/gateway';
import { parseFlags, required, UsageError, type Command } from '../command.js';

const help = `Usage:
  callgate replay TRACE --config SITE [--events] [--start ISO-8601]

  Runs the call engine over the Asterisk side of an AMI trace (JSON lines {t, dir, raw, conn},
  as in fixtures/ami or written by \`callgate ami record\`) with the site configuration SITE
  (YAML or JSON, docs/configuration.md; secret files are not read), and prints one JSON line
  per call record: {"kind":"record", …the record, docs/call-record.md}.

  --events   also print every domain event, in order: {"kind":"event","event":{"type":"call.offered",…}}
  --start    the wall-clock time of t = 0 (default: started_at_unix of TRACE's .meta.json,
             else the trace file's modification time minus its last t)

  What the client sent is read only where the gateway would have told the engine: a
  click-to-call Originate (Channel + Exten), its refusal, a reconnect, and the items of a
  CoreShowChannels or QueueStatus it asked for. Connections opened while the first one is
  still up belong to another AMI client and are skipped.`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run the call engine over a recorded AMI trace and print the call records',
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(
      args,
      { config: { type: 'string' }, events: { type: 'boolean' }, start: { type: 'string' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('replay takes exactly one trace file');
    const config = required(values.config, 'config');
    let startMs: number | undefined;
    if (values.start !== undefined) {
      startMs = Date.parse(values.start);
      if (!Number.isFinite(startMs)) throw new UsageError(`--start must be an ISO 8601 time, got "${values.start}"`);
    }
    const result = await replayTraceFile(positionals[0] as string, config, startMs === undefined ? {} : { startMs });
    for (const line of replayOutputLines(result.events, values.events === true)) ctx.stdout.write(`${line}\n`);
    return 0;
  },
};
