/**
 * Request/response between the benchmark and its helper processes over Node's IPC channel
 * (`child_process.fork`): every request carries an id, the child answers with the same id,
 * a result or an error. The children also answer `{ type: 'clock' }` (monotonic-clock.ts).
 *
 * Helpers run TypeScript through tsx, like the `callgate` command itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { trackChild } from './child-registry.js';
import { monotonicMicros } from './monotonic-clock.js';

interface Reply {
  type: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

function isReply(m: unknown): m is Reply {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'reply';
}

export class HelperProcess {
  readonly child: ChildProcess;
  readonly #name: string;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #exited: Promise<number | null>;

  private constructor(child: ChildProcess, name: string) {
    this.child = child;
    this.#name = name;
    // A send racing the child's exit reports here as well as to its callback.
    child.on('error', () => undefined);
    child.on('message', (m) => {
      if (!isReply(m)) return;
      const pending = this.#pending.get(m.id);
      if (!pending) return;
      this.#pending.delete(m.id);
      if (m.ok) pending.resolve(m.value);
      else pending.reject(new Error(`${name}: ${m.error ?? 'failed'}`));
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        for (const p of this.#pending.values()) p.reject(new Error(`${name} exited (code ${code ?? 'signal'})`));
        this.#pending.clear();
        resolve(code);
      });
    });
  }

  /** Forks `entry` (a .ts file) with tsx; `execArgv` adds Node flags (e.g. `--cpu-prof`). */
  static start(entry: string, name: string, execArgv: string[] = []): HelperProcess {
    const child = fork(entry, [], {
      execArgv: ['--import', 'tsx', ...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    trackChild(child);
    return new HelperProcess(child, name);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`${this.#name} is not running`));
      this.#pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ ...message, id }, (error) => {
        if (!error) return;
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  /** Asks the child to finish (`{ type: 'stop' }`), then waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      if (this.child.connected) await this.request({ type: 'stop' });
    } catch {
      // it may exit before answering
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * The child side: answers requests with `handle` (one at a time, in order) and clock probes;
 * `{ type: 'stop' }` runs `onStop` and disconnects, letting the process end.
 */
export function serveRequests(
  handle: (message: Record<string, unknown>) => Promise<unknown>,
  onStop: () => Promise<void>,
): void {
  let queue: Promise<void> = Promise.resolve();
  // The benchmark is gone (it crashed or was killed): stop too rather than linger.
  process.once('disconnect', () => {
    void onStop().finally(() => process.exit(0));
  });
  process.on('message', (raw) => {
    if (typeof raw !== 'object' || raw === null) return;
    const message = raw as Record<string, unknown>;
    if (message.type === 'clock') {
      process.send?.({ type: 'clock', micros: monotonicMicros() });
      return;
    }
    const id = Number(message.id);
    queue = queue.then(async () => {
      try {
        const value = message.type === 'stop' ? await onStop() : await handle(message);
        process.send?.({ type: 'reply', id, ok: true, value } satisfies Reply);
      } catch (error) {
        process.send?.({ type: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
      if (message.type === 'stop') {
        process.removeAllListeners('disconnect');
        process.disconnect();
      }
    });
  });
}
