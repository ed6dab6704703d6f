/**
 * A hub or gateway in a child process of its own, so the chaos run can kill it with SIGKILL —
 * no `finally`, no shutdown hook, no flush — and start it again. The child prints one JSON line
 * `{"ready":true,…}` on stdout once it serves; its stderr (logs) goes to a file per role.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ChildRoleOptions {
  name: string;
  /** The TypeScript entry file, run with tsx. */
  entry: string;
  /** One JSON argument. */
  args: unknown;
  logFile: string;
  /** Give up waiting for the ready line after this long (default 60 s: two cores, several children). */
  readyTimeoutMs?: number;
}

export class ChildRole {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly log: WriteStream;
  starts = 0;
  kills = 0;
  /** The last ready line's fields (a port, say). */
  ready: Record<string, unknown> = {};

  constructor(private readonly options: ChildRoleOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<Record<string, unknown>> {
    if (this.running) throw new Error(`${this.options.name} is already running`);
    const child = spawn(process.execPath, ['--import', 'tsx', this.options.entry, JSON.stringify(this.options.args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    this.log.write(`\n--- ${this.options.name} start #${this.starts} pid ${child.pid ?? '?'}\n`);
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => {
        reject(new Error(`${this.options.name} did not get ready in time (see ${this.options.logFile})`));
        child.kill('SIGKILL');
      }, this.options.readyTimeoutMs ?? 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          try {
            const value = JSON.parse(line) as Record<string, unknown>;
            if (value.ready === true) {
              clearTimeout(timer);
              this.ready = value;
              resolve(value);
            }
          } catch {
            this.log.write(`${line}\n`);
          }
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.options.name} exited (${code ?? signal ?? '?'}) before it was ready`));
      });
    });
  }

  /** SIGKILL: the process dies mid-whatever-it-was-doing. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.kills += 1;
    this.log.write(`--- ${this.options.name} SIGKILL\n`);
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  close(): void {
    this.log.end();
  }
}
