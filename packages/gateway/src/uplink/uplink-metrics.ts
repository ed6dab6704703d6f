/**
 * The uplink's Prometheus metrics (docs/uplink.md, "Metrics"), registered on the gateway's
 * registry (served at /metrics). Depth and age are read from the outbox when scraped, so they
 * are exact even while the link is down.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Outbox } from './outbox.js';

export const LINK_STATES = ['connecting', 'authenticating', 'linked', 'waiting', 'refused', 'stopped'] as const;
export type LinkState = (typeof LINK_STATES)[number];

export class UplinkMetrics {
  readonly recordsAcked: Counter<'result'>;
  readonly liveEvents: Counter<'result'>;
  readonly connects: Counter;
  readonly disconnects: Counter<'reason'>;
  readonly heartbeatRtt: Gauge;

  constructor(
    registry: Registry,
    outbox: Outbox,
    now: () => number,
    state: () => LinkState,
    deliveredPerSecond: () => number,
  ) {
    const registers = [registry];
    new Gauge({
      name: 'callgate_gateway_outbox_depth',
      help: 'Call records in the outbox not yet acknowledged by the hub',
      registers,
      collect() {
        this.set(outbox.depth());
      },
    });
    new Gauge({
      name: 'callgate_gateway_outbox_oldest_age_seconds',
      help: 'Age of the oldest record not yet acknowledged by the hub (0 when the outbox is empty)',
      registers,
      collect() {
        const oldest = outbox.oldestCreatedMs();
        this.set(oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'callgate_gateway_outbox_rejected_records',
      help: 'Records the hub refused as invalid, kept in outbox_rejected for an administrator',
      registers,
      collect() {
        this.set(outbox.rejectedCount());
      },
    });
    new Gauge({
      name: 'callgate_gateway_uplink_delivery_rate',
      help: 'Records acknowledged by the hub per second, over the last 10 seconds',
      registers,
      collect() {
        this.set(deliveredPerSecond());
      },
    });
    new Gauge({
      name: 'callgate_gateway_uplink_state',
      help: 'The uplink state: 1 for the current one (connecting, authenticating, linked, waiting, refused, stopped)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const current = state();
        for (const s of LINK_STATES) this.set({ state: s }, s === current ? 1 : 0);
      },
    });
    this.recordsAcked = new Counter({
      name: 'callgate_gateway_uplink_records_acked_total',
      help: 'Records acknowledged by the hub, by result (stored, duplicate, replaced, dead-lettered)',
      labelNames: ['result'] as const,
      registers,
    });
    this.liveEvents = new Counter({
      name: 'callgate_gateway_uplink_live_events_total',
      help: 'Live events sent to the hub, or dropped while the link was down (a snapshot follows)',
      labelNames: ['result'] as const,
      registers,
    });
    this.connects = new Counter({
      name: 'callgate_gateway_uplink_connects_total',
      help: 'Uplink connections that reached welcome',
      registers,
    });
    this.disconnects = new Counter({
      name: 'callgate_gateway_uplink_disconnects_total',
      help: 'Uplink connections lost or refused, by reason code',
      labelNames: ['reason'] as const,
      registers,
    });
    this.heartbeatRtt = new Gauge({
      name: 'callgate_gateway_uplink_heartbeat_rtt_seconds',
      help: 'Round trip of the last uplink heartbeat',
      registers,
    });
  }
}
