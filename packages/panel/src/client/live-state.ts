/**
 * The supervisor's picture of every site (hub live view, contracts hub-live.ts): a snapshot,
 * then changes applied in `seq` order. Pure.
 */
import type { LiveCall, LiveChange, SiteLiveState } from '@callgate/contracts';

export interface LiveState {
  /** The `seq` of the last snapshot or change applied; null before the first snapshot. */
  seq: number | null;
  /** By site id. */
  sites: ReadonlyMap<string, SiteLiveState>;
}

export const EMPTY_LIVE_STATE: LiveState = { seq: null, sites: new Map() };

export function applyLiveSnapshot(seq: number, sites: readonly SiteLiveState[]): LiveState {
  return { seq, sites: new Map(sites.map((s) => [s.site, s])) };
}

export function applyLiveChanges(state: LiveState, seq: number, changes: readonly LiveChange[]): LiveState {
  const sites = new Map(state.sites);
  for (const change of changes) {
    if (change.kind === 'site') {
      sites.set(change.state.site, change.state);
      continue;
    }
    const site = sites.get(change.site);
    if (!site) continue; // a change for a site we never saw: the next snapshot brings it
    switch (change.kind) {
      case 'link':
        sites.set(change.site, {
          ...site,
          linked: change.linked,
          amiConnected: change.amiConnected,
          updatedAt: change.updatedAt,
          ...(change.uplink === undefined ? {} : { uplink: change.uplink }),
        });
        break;
      case 'operator':
        sites.set(change.site, {
          ...site,
          operators: upsert(site.operators, change.status, (o) => o.operatorId === change.status.operatorId),
        });
        break;
      case 'call':
        sites.set(change.site, {
          ...site,
          calls: upsert(site.calls, change.call, (c) => c.callId === change.call.callId),
        });
        break;
      case 'call-ended':
        sites.set(change.site, { ...site, calls: site.calls.filter((c) => c.callId !== change.callId) });
        break;
      case 'counters':
        sites.set(change.site, { ...site, counters: change.counters });
        break;
    }
  }
  return { seq, sites };
}

function upsert<T>(items: readonly T[], item: T, same: (x: T) => boolean): T[] {
  const i = items.findIndex(same);
  if (i === -1) return [...items, item];
  const copy = [...items];
  copy[i] = item;
  return copy;
}

export interface QueueWait {
  queue: string;
  /** Callers waiting in the queue now. */
  waiting: number;
  /** Start of the longest current wait (ISO), or null when nobody waits. */
  longestSince: string | null;
}

/**
 * Queues with waiting callers: the site's calls in state `queued`, grouped by queue; every queue
 * that has counters today is listed too, with nobody waiting.
 */
export function queueWaits(site: SiteLiveState): QueueWait[] {
  const byQueue = new Map<string, QueueWait>();
  for (const queue of Object.keys(site.counters.queues)) byQueue.set(queue, { queue, waiting: 0, longestSince: null });
  for (const call of site.calls) {
    if (call.state !== 'queued' || call.queue === null) continue;
    const wait = byQueue.get(call.queue) ?? { queue: call.queue, waiting: 0, longestSince: null };
    wait.waiting++;
    if (wait.longestSince === null || call.startedAt < wait.longestSince) wait.longestSince = call.startedAt;
    byQueue.set(call.queue, wait);
  }
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}

/** Calls in progress, oldest first (the ones that need attention are at the top). */
export function callsInProgress(site: SiteLiveState): LiveCall[] {
  return [...site.calls].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
}
