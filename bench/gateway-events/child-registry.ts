/**
 * Every helper process a benchmark starts is registered here, so none outlives it: they are
 * killed when the benchmark's process exits or is interrupted (Ctrl-C, SIGTERM), even when a
 * run fails half-way. (Forked helpers also end by themselves when their IPC channel closes,
 * ipc.ts; `callgate gateway`/`hub` are plain children and need this.)
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      // Then die of the same signal, as without this handler.
      process.kill(process.pid, signal);
    });
  }
}

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}
