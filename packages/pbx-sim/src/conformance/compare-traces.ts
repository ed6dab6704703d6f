/**
 * Structural comparison of two AMI traces of the same scenario — a recording of real Asterisk
 * and a run of the simulator — as the conformance suite needs it:
 *
 * 1. the same streams (see event-streams.ts), each with the same event kinds in the same order;
 * 2. for each pair of matched events, the same headers in the same order;
 * 3. the same values, once ids are replaced by their canonical names (so Linkedid, DestUniqueid,
 *    BRIDGEPEER, BridgeUniqueid compare as relations), except headers that are times,
 *    durations, counters carried over from earlier calls, addresses and session ids;
 * 4. the same relations: which channels share a Linkedid, which channels enter which bridge.
 *
 * The report reads like a diff: per stream, `-` lines are in the recording only, `+` lines in
 * the simulator's run only.
 */
import type { TraceLine } from '@callgate/ami';
import { traceStreams, type StreamEvent, type TraceStreams } from './event-streams.js';

/** Headers whose values legitimately differ between two runs of one scenario. */
export const VOLATILE_HEADERS: ReadonlySet<string> = new Set(
  [
    // times and durations
    'EventTV',
    'SessionTV',
    'EventTime',
    'StartTime',
    'AnswerTime',
    'EndTime',
    'Timestamp',
    'Duration',
    'BillableSeconds',
    'HoldTime',
    'TalkTime',
    'RingTime',
    'Wait',
    'Seconds',
    'Uptime',
    'LastReload',
    'LongestHoldTime',
    'CoreStartupDate',
    'CoreStartupTime',
    'CoreReloadDate',
    'CoreReloadTime',
    'DurationMs',
    // addresses and session handles
    'SessionID',
    'LocalAddress',
    'RemoteAddress',
    'Challenge',
    'Address',
    'URI',
    // counters carried over from calls made before the scenario
    'CallsTaken',
    'LastCall',
    'LastPause',
    'LoginTime',
    'InCall',
    'CoreProcessedCalls',
    'Holdtime',
    'Completed',
    'Abandoned',
    'ServicelevelPerf',
    'ServicelevelPerf2',
  ].map((h) => h.toLowerCase()),
);

/** Variables whose VarSet values are times, RTP statistics or SIP Call-IDs. */
const VOLATILE_VARIABLE =
  /^(RTPAUDIOQOS.*|(ANSWERED|DIALED|RING|PROGRESS)TIME(_MS)?|QUEUEWAIT(_MS)?|BRIDGEPVTCALLID|SIPCALLID|SIPURI)$/;

export interface CompareOptions {
  /** Compare values too (default true); false checks order, headers and relations only. */
  values?: boolean;
  /** Stream key prefixes to leave out (`c1 security`), each with the reason in the report. */
  skipStreams?: ReadonlyArray<{ prefix: string; reason: string }>;
  /** Headers to treat as volatile in addition to the defaults. */
  volatileHeaders?: readonly string[];
}

export interface Difference {
  stream: string;
  kind: 'missing-stream' | 'extra-stream' | 'order' | 'headers' | 'value' | 'relation' | 'greeting';
  text: string;
}

export interface ConformanceReport {
  ok: boolean;
  streamsCompared: number;
  eventsCompared: number;
  differences: Difference[];
  /** Notes: what was deliberately left out and why. */
  notes: string[];
  /** A readable diff, empty when ok. */
  format(): string;
}

export function compareTraces(
  recorded: readonly TraceLine[],
  simulated: readonly TraceLine[],
  options: CompareOptions = {},
): ConformanceReport {
  const a = traceStreams(recorded);
  const b = traceStreams(simulated);
  const differences: Difference[] = [];
  const notes: string[] = [];
  const volatile = new Set([...VOLATILE_HEADERS, ...(options.volatileHeaders ?? []).map((h) => h.toLowerCase())]);
  const skip = options.skipStreams ?? [];
  const skipped = (key: string): boolean => skip.some((s) => key.startsWith(s.prefix));
  for (const s of skip) notes.push(`streams ${s.prefix}… not compared: ${s.reason}`);
  for (const [name, n] of a.ignored) notes.push(`recording: ${n} × ${name} not compared`);

  for (const [conn, greeting] of a.greetings) {
    if (b.greetings.get(conn) !== greeting) {
      differences.push({
        stream: `c${conn}`,
        kind: 'greeting',
        text: `banner: recorded ${JSON.stringify(greeting)}, simulated ${JSON.stringify(b.greetings.get(conn) ?? null)}`,
      });
    }
  }

  let streamsCompared = 0;
  let eventsCompared = 0;
  const keys = [...new Set([...a.streams.keys(), ...b.streams.keys()])].sort();
  for (const key of keys) {
    if (skipped(key)) continue;
    const ra = a.streams.get(key);
    const rb = b.streams.get(key);
    if (!ra) {
      differences.push({
        stream: key,
        kind: 'extra-stream',
        text: `only in the simulation:\n${listing(rb ?? [], '+')}`,
      });
      continue;
    }
    if (!rb) {
      differences.push({ stream: key, kind: 'missing-stream', text: `only in the recording:\n${listing(ra, '-')}` });
      continue;
    }
    streamsCompared++;
    const ta = ra.map((e) => e.token);
    const tb = rb.map((e) => e.token);
    if (ta.join('\n') !== tb.join('\n')) {
      differences.push({ stream: key, kind: 'order', text: lineDiff(ta, tb) });
      continue;
    }
    for (let i = 0; i < ra.length; i++) {
      eventsCompared++;
      const ea = ra[i] as StreamEvent;
      const eb = rb[i] as StreamEvent;
      const ka = ea.message.keys();
      const kb = eb.message.keys();
      if (ka.join(',') !== kb.join(',')) {
        differences.push({
          stream: key,
          kind: 'headers',
          text: `${ea.token} #${i + 1}: headers differ\n${lineDiff(ka, kb)}`,
        });
        continue;
      }
      if (options.values === false) continue;
      const fa = ea.message.headers();
      const fb = eb.message.headers();
      const varName = ea.message.get('Variable') ?? '';
      for (let j = 0; j < fa.length; j++) {
        const [k, va] = fa[j] as [string, string];
        const vb = (fb[j] as [string, string])[1];
        if (volatile.has(k.toLowerCase())) continue;
        if (raceValue(ea.token, k)) continue;
        if (k === 'Value' && ea.message.event === 'VarSet' && VOLATILE_VARIABLE.test(varName)) continue;
        if (k === 'Extra' && va.startsWith('{"hangupcause"') && vb.startsWith('{"hangupcause"')) {
          // hangupsource names whichever channel Asterisk saw hang up first; compare the cause.
          const ca = /"hangupcause":(\d+)/.exec(va)?.[1];
          const cb = /"hangupcause":(\d+)/.exec(vb)?.[1];
          if (ca !== cb)
            differences.push({ stream: key, kind: 'value', text: `${ea.token} #${i + 1} ${k}: -${va} +${vb}` });
          continue;
        }
        const na = a.canon.value(va);
        const nb = b.canon.value(vb);
        if (na !== nb) {
          differences.push({
            stream: key,
            kind: 'value',
            text: `${ea.token} #${i + 1} ${k}: recorded ${JSON.stringify(na)}, simulated ${JSON.stringify(nb)}`,
          });
        }
      }
    }
  }
  relations(a, b, differences);
  const ok = differences.length === 0;
  return {
    ok,
    streamsCompared,
    eventsCompared,
    differences,
    notes,
    format: () => (ok ? '' : formatDifferences(differences)),
  };
}

/**
 * Values that race between Asterisk's threads in real recordings of the same scenario:
 * - LINKEDID_END is raised on whichever channel ends last: only its LinkedID is stable;
 * - BRIDGE_EXIT's Peer names the channel still in the bridge, unless the other channel's
 *   exit got there first (02: empty; 10, 15, 16: the peer).
 */
function raceValue(token: string, header: string): boolean {
  if (token === 'CEL LINKEDID_END') return header !== 'LinkedID' && header !== 'EventName';
  return token === 'CEL BRIDGE_EXIT' && header === 'Peer';
}

function relations(a: TraceStreams, b: TraceStreams, out: Difference[]): void {
  const channels = [...new Set([...a.linkedids.keys(), ...b.linkedids.keys()])].sort();
  for (const ch of channels) {
    const la = a.linkedids.get(ch);
    const lb = b.linkedids.get(ch);
    if (la !== lb) {
      out.push({
        stream: `channel ${ch}`,
        kind: 'relation',
        text: `Linkedid: recorded ${la ?? '(no such channel)'}, simulated ${lb ?? '(no such channel)'}`,
      });
    }
  }
  const bridges = [...new Set([...a.bridgeMembers.keys(), ...b.bridgeMembers.keys()])].sort();
  for (const br of bridges) {
    const ma = (a.bridgeMembers.get(br) ?? []).join(', ');
    const mb = (b.bridgeMembers.get(br) ?? []).join(', ');
    if (ma !== mb) {
      out.push({ stream: `bridge ${br}`, kind: 'relation', text: `entered by: recorded [${ma}], simulated [${mb}]` });
    }
  }
}

function listing(events: readonly StreamEvent[], mark: string): string {
  return events.map((e) => `  ${mark} ${e.token}`).join('\n');
}

/** A minimal LCS line diff: ` ` common, `-` recorded only, `+` simulated only. */
export function lineDiff(a: readonly string[], b: readonly string[]): string {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`    ${a[i] ?? ''}`);
      i++;
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number)) {
      out.push(`  - ${a[i++] ?? ''}`);
    } else {
      out.push(`  + ${b[j++] ?? ''}`);
    }
  }
  while (i < n) out.push(`  - ${a[i++] ?? ''}`);
  while (j < m) out.push(`  + ${b[j++] ?? ''}`);
  return out.join('\n');
}

function formatDifferences(differences: readonly Difference[]): string {
  const lines: string[] = [`${differences.length} difference(s) (- recorded only, + simulated only):`];
  for (const d of differences) lines.push(`\n[${d.kind}] ${d.stream}\n${d.text}`);
  return lines.join('\n');
}
