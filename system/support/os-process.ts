/**
 * A real operating-system process for the system tests: its output kept line by line (stdout
 * and stderr), waits for a line that matches, signals, and the exit code and signal it ended
 * with. Nothing here sleeps for a fixed time: every wait polls a condition with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection } from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Its own process group, as a shell gives a foreground job (so Ctrl-C reaches every member). */
  group?: boolean;
  /** Echo the output to the test's stderr (CALLGATE_TEST_LOG=1 turns it on for every process). */
  echo?: boolean;
}

export class OsProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #name: string;
  #exit: Exit | undefined;

  constructor(name: string, command: string, args: readonly string[], options: StartOptions = {}) {
    this.#name = name;
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: options.group ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const echo = options.echo ?? process.env.CALLGATE_TEST_LOG === '1';
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          this.lines.push(line);
          if (echo) process.stderr.write(`[${name}] ${line}\n`);
        }
      });
      stream?.on('end', () => {
        if (rest !== '') this.lines.push(rest);
        rest = '';
      });
    }
    this.exited = new Promise<Exit>((resolve) => {
      this.#child.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      this.#child.on('error', (error) => {
        this.lines.push(`spawn error: ${error.message}`);
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
      });
    });
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error(`${this.#name} did not start`);
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Waits for an output line matching `pattern` (one already printed counts). */
  async waitForLine(pattern: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    let found: RegExpMatchArray | null = null;
    await waitUntil(
      () => {
        for (const line of this.lines) {
          found = pattern.exec(line);
          if (found) return true;
        }
        if (!this.running) throw new Error(`${this.#name} exited before ${what}:\n${this.output()}`);
        return false;
      },
      `${this.#name}: ${what}`,
      timeoutMs,
      () => this.output(),
    );
    if (!found) throw new Error('unreachable');
    return found;
  }

  /** Sends a signal to the process, or to its whole group when it was started as one. */
  signal(signal: NodeJS.Signals, group = false): void {
    if (!this.running) return;
    process.kill(group ? -this.pid : this.pid, signal);
  }

  /**
   * Sends `signal` and waits for the exit. A process that has not exited in `timeoutMs` is
   * killed (SIGKILL, its group too) and the wait fails: a clean stop is part of what is tested.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000, group = false): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal(signal, group);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited, timer]);
    if (result === 'timeout') {
      this.kill(group);
      throw new Error(`${this.#name} did not exit within ${timeoutMs} ms of ${signal}:\n${this.output()}`);
    }
    return result;
  }

  /**
   * SIGKILL, for clean-up after a failed test only. Our ends of its pipes are closed too, so a
   * grandchild it leaves behind cannot keep the test process alive.
   */
  kill(group = false): void {
    try {
      if (this.running || group) process.kill(group ? -this.pid : this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
  }
}

export async function waitUntil(
  test: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) {
      const more = context();
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${more ? `\n${more}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Processes still alive that belong to a run: in process group `group`, or whose working
 * directory is under `dir` (a child that left the group still counts). Read from /proc.
 */
export function leftoverProcesses(group: number, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) in parentheses: state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // a process of another user, or gone
      }
      if (Number(fields[2]) === group || cwd === dir || cwd.startsWith(`${dir}/`)) {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\u0000').join(' ').trim();
        found.push(`${entry}: ${cmdline}`);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
