/**
 * `callgate replay TRACE --config SITE`: the I/O around `replayTrace` — read the trace and the
 * site configuration, pick the epoch of `t = 0`, and print one JSON line per call record
 * (`{"kind":"record",…}`) and, when asked, per domain event (`{"kind":"event","event":{…}}`),
 * in order.
 *
 * The epoch of `t = 0` is, in order: the `start` option; the `started_at_unix` of the trace's
 * `.meta.json` next to it (the shared recordings have one); the trace file's modification time
 * minus its last `t` (a trace written by `callgate ami record` ends when it was last written).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseTrace } from '@callgate/ami';
import type { DomainEvent } from '@callgate/contracts';
import { loadSiteConfig } from '../config/load-site-config.js';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { replayTrace, type ReplayResult } from '../engine/index.js';

export interface ReplayFileOptions {
  /** Epoch milliseconds of the trace's `t = 0`. */
  startMs?: number;
}

async function traceStart(tracePath: string, lastT: number): Promise<number> {
  const metaPath = tracePath.replace(/\.jsonl$/, '.meta.json');
  if (metaPath !== tracePath) {
    try {
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { started_at_unix?: unknown };
      if (typeof meta.started_at_unix === 'number' && Number.isFinite(meta.started_at_unix)) {
        return Math.round(meta.started_at_unix * 1000);
      }
    } catch {
      // No usable meta file: fall back to the trace's own time.
    }
  }
  return Math.round((await stat(tracePath)).mtimeMs - lastT);
}

/** Replays a trace file against a site configuration file. */
export async function replayTraceFile(
  tracePath: string,
  configPath: string,
  options: ReplayFileOptions = {},
): Promise<ReplayResult> {
  const { config } = await loadSiteConfig(configPath, { readSecrets: false });
  let text: string;
  try {
    text = await readFile(tracePath, 'utf8');
  } catch (error) {
    throw new GatewayError(
      GatewayErrorCode.Config,
      `cannot read trace ${tracePath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const lines = parseTrace(text);
  const startMs = options.startMs ?? (await traceStart(tracePath, lines.at(-1)?.t ?? 0));
  return replayTrace(lines, config, { baseEpochMs: startMs });
}

/** The lines `callgate replay` prints: records, and with `withEvents` every domain event before them. */
export function replayOutputLines(events: readonly DomainEvent[], withEvents: boolean): string[] {
  const out: string[] = [];
  for (const event of events) {
    // Nested, not spread: `call.transferred` has a `kind` of its own (blind | attended).
    if (withEvents) out.push(JSON.stringify({ kind: 'event', event }));
    if (event.type === 'call.ended') out.push(JSON.stringify({ kind: 'record', ...event.record }));
  }
  return out;
}
