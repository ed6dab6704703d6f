/**
 * The consolidated live state of every site: operators' statuses, calls in progress, queue waits
 * and today's counters, built from what gateways send over the uplink (SiteLiveSnapshot after
 * every reconnect, then DomainEvents) and from ingested records. Pure: no sockets, no timers;
 * the clock is injected. Every change is reported to subscribers as LiveChange values, which the
 * supervisor socket batches per tick.
 *
 * Events for a call the view does not know (held, resumed, offer-ended, transferred before any
 * call.queued/offered/dialing/answered) are ignored: the next snapshot brings the call.
 * `call.consulting` changes nothing here: the customer is already on hold (`call.held`), and the
 * colleague's ringing phone was a `call.offered`.
 */
import type {
  CallRecord,
  DomainEvent,
  LiveCall,
  LiveChange,
  OperatorStatus,
  SiteLiveSnapshot,
  SiteLiveState,
  UplinkSiteStatus,
} from '@callgate/contracts';
import type { Clock } from '../clock.js';
import { DayCounters, localDay } from './day-counters.js';

export interface LiveViewOptions {
  serviceLevelSeconds: number;
  clock: Clock;
  /** The site's IANA time zone, for "today"; UTC when unknown. */
  timeZoneOf(site: string): string;
}

interface SiteState {
  site: string;
  linked: boolean;
  amiConnected: boolean;
  updatedAt: string | null;
  /** The gateway's last report on its record delivery (uplink status messages). */
  uplink: UplinkSiteStatus | undefined;
  operators: Map<string, OperatorStatus>;
  calls: Map<string, LiveCall>;
  /** call id → when it entered its queue (ms), for the wait of a live answer. */
  queuedAt: Map<string, number>;
  counters: DayCounters;
}

export type LiveListener = (changes: LiveChange[]) => void;

export class LiveView {
  private readonly sites = new Map<string, SiteState>();
  private readonly listeners = new Set<LiveListener>();

  constructor(private readonly options: LiveViewOptions) {}

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes a configured site appear (unlinked) before its gateway ever connects. */
  ensureSite(site: string): void {
    if (!this.sites.has(site)) this.emit([{ kind: 'site', state: this.toState(this.site(site)) }]);
  }

  /** The uplink connected or dropped; a dropped site keeps its last state, marked unlinked. */
  setLinked(site: string, linked: boolean): void {
    const s = this.site(site);
    s.linked = linked;
    if (!linked) s.amiConnected = false;
    this.emit([this.linkChange(s)]);
  }

  /** The site's outbox depth, oldest undelivered record and delivery rate (docs/uplink.md). */
  setUplinkStatus(site: string, status: UplinkSiteStatus): void {
    const s = this.site(site);
    const before = s.uplink;
    s.uplink = status;
    const same =
      before !== undefined &&
      before.outboxDepth === status.outboxDepth &&
      before.oldestUndeliveredAt === status.oldestUndeliveredAt &&
      before.deliveredPerSecond === status.deliveredPerSecond &&
      before.rejectedTotal === status.rejectedTotal;
    if (!same) this.emit([this.linkChange(s)]);
  }

  applySnapshot(snapshot: SiteLiveSnapshot): void {
    const s = this.site(snapshot.site);
    this.rollDay(s);
    s.linked = true;
    s.amiConnected = snapshot.amiConnected;
    s.updatedAt = snapshot.at;
    s.operators = new Map(snapshot.operators.map((o) => [o.operatorId, o]));
    s.calls = new Map(snapshot.calls.map((c) => [c.callId, c]));
    for (const call of snapshot.calls) {
      if (call.queue === null) continue;
      if (!s.queuedAt.has(call.callId)) s.queuedAt.set(call.callId, Date.parse(call.startedAt));
      if (this.isToday(s, Date.parse(call.startedAt))) s.counters.offered(call.queue, call.callId);
    }
    for (const id of s.queuedAt.keys()) if (!s.calls.has(id)) s.queuedAt.delete(id);
    this.emit([{ kind: 'site', state: this.toState(s) }]);
  }

  applyEvent(event: DomainEvent): void {
    const s = this.site(event.site);
    this.rollDay(s);
    const changes: LiveChange[] = [];
    s.updatedAt = event.at;
    const at = Date.parse(event.at);
    const site = s.site;
    switch (event.type) {
      case 'operator.status':
        s.operators.set(event.status.operatorId, event.status);
        changes.push({ kind: 'operator', site, status: event.status });
        break;
      case 'call.queued': {
        const call = this.upsertCall(s, event, 'queued');
        if (event.queue !== null) {
          if (!s.queuedAt.has(event.callId)) s.queuedAt.set(event.callId, at);
          if (this.isToday(s, at)) {
            s.counters.offered(event.queue, event.callId);
            changes.push(this.countersChange(s));
          }
        }
        changes.push({ kind: 'call', site, call });
        break;
      }
      case 'call.offered': {
        const call = this.upsertCall(s, event, 'ringing', event.operatorId);
        changes.push({ kind: 'call', site, call });
        break;
      }
      case 'call.dialing': {
        // An operator's own call (click-to-call) now rings at the customer's end.
        const call = this.upsertCall(s, event, 'dialing', event.operatorId);
        changes.push({ kind: 'call', site, call });
        break;
      }
      case 'call.answered': {
        const call = this.upsertCall(s, event, 'talking', event.operatorId);
        const queuedAt = s.queuedAt.get(event.callId);
        if (event.queue !== null && queuedAt !== undefined && this.isToday(s, queuedAt)) {
          s.counters.answered(event.queue, event.callId, Math.round((at - queuedAt) / 100) / 10);
          changes.push(this.countersChange(s));
        }
        changes.push({ kind: 'call', site, call });
        break;
      }
      case 'call.offer-ended': {
        const call = s.calls.get(event.callId);
        if (!call) break;
        call.operatorIds = call.operatorIds.filter((id) => id !== event.operatorId);
        if (call.state === 'ringing' && call.operatorIds.length === 0)
          call.state = call.queue === null ? 'dialing' : 'queued';
        changes.push({ kind: 'call', site, call: { ...call } });
        break;
      }
      case 'call.held':
      case 'call.resumed': {
        const call = s.calls.get(event.callId);
        if (!call) break;
        call.state = event.type === 'call.held' ? 'on-hold' : 'talking';
        changes.push({ kind: 'call', site, call: { ...call } });
        break;
      }
      case 'call.transferred': {
        const call = s.calls.get(event.callId);
        if (!call) break;
        call.operatorIds = call.operatorIds.filter((id) => id !== event.fromOperatorId);
        if (event.toOperatorId !== null && !call.operatorIds.includes(event.toOperatorId)) {
          call.operatorIds.push(event.toOperatorId);
        }
        changes.push({ kind: 'call', site, call: { ...call } });
        break;
      }
      case 'call.ended': {
        if (s.calls.delete(event.callId)) changes.push({ kind: 'call-ended', site, callId: event.callId });
        s.queuedAt.delete(event.callId);
        if (this.countRecordIn(s, event.record)) changes.push(this.countersChange(s));
        break;
      }
    }
    this.emit(changes);
  }

  /** A record stored by ingest: the authoritative wait and outcome for the counters. */
  countRecord(record: CallRecord): void {
    const s = this.site(record.site);
    this.rollDay(s);
    if (this.countRecordIn(s, record)) this.emit([this.countersChange(s)]);
  }

  /** The state of the given sites (all when omitted), by site id. */
  state(sites?: (site: string) => boolean): SiteLiveState[] {
    const out: SiteLiveState[] = [];
    for (const s of [...this.sites.values()].sort((a, b) => a.site.localeCompare(b.site))) {
      if (sites && !sites(s.site)) continue;
      this.rollDay(s);
      out.push(this.toState(s));
    }
    return out;
  }

  // ---- internals ------------------------------------------------------------------------

  private site(id: string): SiteState {
    let s = this.sites.get(id);
    if (!s) {
      s = {
        site: id,
        linked: false,
        amiConnected: false,
        updatedAt: null,
        uplink: undefined,
        operators: new Map(),
        calls: new Map(),
        queuedAt: new Map(),
        counters: new DayCounters(this.today(id), this.options.serviceLevelSeconds),
      };
      this.sites.set(id, s);
    }
    return s;
  }

  private today(site: string): string {
    return localDay(this.options.clock(), this.options.timeZoneOf(site));
  }

  private isToday(s: SiteState, ms: number): boolean {
    return localDay(ms, this.options.timeZoneOf(s.site)) === s.counters.day;
  }

  /** Starts new counters at the site's local midnight, and tells subscribers at once. */
  private rollDay(s: SiteState): void {
    const today = this.today(s.site);
    if (s.counters.day === today) return;
    s.counters = new DayCounters(today, this.options.serviceLevelSeconds);
    this.emit([this.countersChange(s)]);
  }

  private countRecordIn(s: SiteState, record: CallRecord): boolean {
    if (record.queue === null || !this.isToday(s, Date.parse(record.startedAt))) return false;
    if (record.outcome === 'answered') s.counters.answered(record.queue, record.callId, record.waitSeconds);
    else if (record.outcome === 'abandoned') s.counters.abandoned(record.queue, record.callId);
    else s.counters.offered(record.queue, record.callId);
    return true;
  }

  private upsertCall(
    s: SiteState,
    event: Extract<DomainEvent, { type: 'call.queued' | 'call.offered' | 'call.dialing' | 'call.answered' }>,
    state: LiveCall['state'],
    operatorId?: string,
  ): LiveCall {
    const known = s.calls.get(event.callId);
    const call: LiveCall = known ?? {
      callId: event.callId,
      direction: event.direction,
      customerNumber: event.customerNumber,
      line: event.line,
      queue: event.queue,
      state,
      startedAt: event.at,
      answeredAt: null,
      operatorIds: [],
      crmRef: event.crmRef,
    };
    call.queue ??= event.queue;
    call.crmRef ??= event.crmRef;
    // A late offer must not turn a call that is already being talked on back to ringing.
    const talking = call.state === 'talking' || call.state === 'on-hold';
    if (state === 'talking' || !talking) call.state = state;
    if (state === 'talking') call.answeredAt ??= event.at;
    if (operatorId !== undefined && !call.operatorIds.includes(operatorId)) call.operatorIds.push(operatorId);
    s.calls.set(call.callId, call);
    return { ...call, operatorIds: [...call.operatorIds] };
  }

  private countersChange(s: SiteState): LiveChange {
    return { kind: 'counters', site: s.site, counters: s.counters.snapshot() };
  }

  private linkChange(s: SiteState): LiveChange {
    const change: LiveChange = {
      kind: 'link',
      site: s.site,
      linked: s.linked,
      amiConnected: s.amiConnected,
      updatedAt: s.updatedAt,
    };
    return s.uplink === undefined ? change : { ...change, uplink: s.uplink };
  }

  private toState(s: SiteState): SiteLiveState {
    return {
      site: s.site,
      linked: s.linked,
      amiConnected: s.amiConnected,
      updatedAt: s.updatedAt,
      ...(s.uplink === undefined ? {} : { uplink: s.uplink }),
      operators: [...s.operators.values()],
      calls: [...s.calls.values()].map((c) => ({ ...c, operatorIds: [...c.operatorIds] })),
      counters: s.counters.snapshot(),
    };
  }

  private emit(changes: LiveChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.listeners) listener(changes);
  }
}
