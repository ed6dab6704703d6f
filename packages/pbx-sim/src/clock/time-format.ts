/**
 * The time formats Asterisk writes into AMI, as recorded (fixtures/ami):
 * - `Cdr` StartTime/AnswerTime/EndTime and `CEL` EventTime: local time `YYYY-MM-DD HH:MM:SS`,
 *   no zone (the lab ran on UTC, and so does the simulator);
 * - security events' `EventTV`/`SessionTV`: `2026-11-27T16:06:56.031+0000`;
 * - `Ping` `Timestamp`: seconds with microseconds, `1795795614.479159`;
 * - `CoreStatus` dates `2026-11-27` and times `16:06:43`.
 */
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function localDateTime(ms: number): string {
  const d = new Date(ms);
  return `${localDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function eventTv(ms: number): string {
  const d = new Date(ms);
  return `${localDate(ms)}T${localTime(ms)}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

export function pingTimestamp(ms: number): string {
  return `${Math.floor(ms / 1000)}.${pad((ms % 1000) * 1000, 6)}`;
}

/** Whole seconds since the epoch, as in `LastCall`, `LoginTime` and Uniqueid prefixes. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `00:00:03`, the `Duration` of CoreShowChannel. */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * `2 hours, 5 minutes, 1 second`: how `core show uptime` prints a duration (main/asterisk.c
 * print_uptimestr: years, weeks, days, hours, minutes, then seconds, or `0 seconds`).
 */
export function uptimeText(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const units: Array<[string, number]> = [
    ['year', 365 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    // Asterisk prints a unit only when strictly more than one of it remains (`> YEAR`).
    if (rest > size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest} second${rest === 1 ? '' : 's'}`);
  return parts.join(', ');
}
