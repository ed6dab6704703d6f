/**
 * CPU time and memory of another process, read from Linux's /proc the way `top` does, so the
 * process measured runs unmodified (no agent inside the gateway):
 * - CPU: `utime + stime` of /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on
 *   Linux, `getconf CLK_TCK`), differenced over a window: 100 % = one core busy all the time;
 * - memory: `VmRSS` (resident now) and `VmHWM` (the peak resident size) of /proc/PID/status.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuReading {
  /** Seconds of CPU (user + system) used since the process started. */
  cpuSeconds: number;
  /** Monotonic milliseconds when read. */
  atMs: number;
}

export function readCpu(pid: number): CpuReading {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, atMs: performance.now() };
}

/** CPU used between two readings, as a percentage of one core. */
export function cpuPercent(from: CpuReading, to: CpuReading): number {
  const wallSeconds = (to.atMs - from.atMs) / 1000;
  return wallSeconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / wallSeconds) * 100 : 0;
}

export interface MemoryReading {
  rssMiB: number;
  peakRssMiB: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/**
 * Samples a process's resident memory every `everyMs` while a measurement runs, so the table
 * can show the largest RSS seen during the window (VmHWM covers the whole life, start-up too).
 */
export class MemorySampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #maxRssMiB = 0;

  constructor(pid: number, everyMs = 250) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  /** Stops sampling; returns the largest RSS seen and the process's peak so far. */
  stop(): { maxRssMiB: number; peakRssMiB: number } {
    clearInterval(this.#timer);
    const last = this.#sample();
    // Linux updates VmHWM lazily, so a sample of VmRSS can exceed it by a little.
    return { maxRssMiB: this.#maxRssMiB, peakRssMiB: Math.max(last?.peakRssMiB ?? 0, this.#maxRssMiB) };
  }

  #sample(): MemoryReading | undefined {
    try {
      const reading = readMemory(this.#pid);
      this.#maxRssMiB = Math.max(this.#maxRssMiB, reading.rssMiB);
      return reading;
    } catch {
      return undefined; // the process ended
    }
  }
}
