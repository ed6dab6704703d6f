/**
 * The hub's uplink metrics (docs/uplink.md, "Metrics"), on the hub's registry. The `site` label
 * is the id the site authenticated as (never a value a client chose before authenticating), so
 * its cardinality is the number of sites.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { UplinkSiteStatus } from '@callgate/contracts';

export interface SiteUplinkView {
  linked: boolean;
  /** The site's last status report, or undefined before the first one. */
  status: UplinkSiteStatus | undefined;
}

export class HubUplinkMetrics {
  readonly refused: Counter<'reason'>;
  readonly connections: Counter;
  readonly records: Counter<'result'>;
  readonly protocolErrors: Counter<'code'>;

  constructor(registry: Registry, sites: () => ReadonlyMap<string, SiteUplinkView>, now: () => number) {
    const registers = [registry];
    new Gauge({
      name: 'callgate_hub_uplink_linked',
      help: '1 while the site gateway is connected to the hub, 0 when its uplink is down',
      labelNames: ['site'] as const,
      registers,
      collect() {
        this.reset();
        for (const [site, view] of sites()) this.set({ site }, view.linked ? 1 : 0);
      },
    });
    new Gauge({
      name: 'callgate_hub_uplink_outbox_depth',
      help: "Records waiting in the site gateway's outbox, as it last reported",
      labelNames: ['site'] as const,
      registers,
      collect() {
        this.reset();
        for (const [site, view] of sites()) if (view.status) this.set({ site }, view.status.outboxDepth);
      },
    });
    new Gauge({
      name: 'callgate_hub_uplink_oldest_undelivered_age_seconds',
      help: 'Age of the oldest record the site has not delivered; keeps growing while the site is unreachable',
      labelNames: ['site'] as const,
      registers,
      collect() {
        this.reset();
        for (const [site, view] of sites()) {
          const oldest = view.status?.oldestUndeliveredAt;
          if (view.status) this.set({ site }, oldest ? Math.max(0, (now() - Date.parse(oldest)) / 1000) : 0);
        }
      },
    });
    new Gauge({
      name: 'callgate_hub_uplink_delivery_rate',
      help: 'Records per second the site delivered over its last 10 seconds, as it last reported',
      labelNames: ['site'] as const,
      registers,
      collect() {
        this.reset();
        for (const [site, view] of sites())
          if (view.status) this.set({ site }, view.linked ? view.status.deliveredPerSecond : 0);
      },
    });
    this.refused = new Counter({
      name: 'callgate_hub_uplink_refused_total',
      help: 'Uplink connections refused, by reason code (bad credential, version, hello timeout, protocol)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.connections = new Counter({
      name: 'callgate_hub_uplink_connections_total',
      help: 'Uplink connections that authenticated',
      registers,
    });
    this.records = new Counter({
      name: 'callgate_hub_uplink_records_total',
      help: 'Records received over uplinks, by ingest result',
      labelNames: ['result'] as const,
      registers,
    });
    this.protocolErrors = new Counter({
      name: 'callgate_hub_uplink_protocol_errors_total',
      help: 'Frames refused on authenticated uplinks, by error code',
      labelNames: ['code'] as const,
      registers,
    });
  }
}
