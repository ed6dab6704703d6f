/**
 * Prometheus metrics (GET /metrics), one registry per hub instance so two hubs in one process
 * (tests) do not share counters. Names and labels are listed in docs/hub.md; labels never hold
 * user input (routes are the route pattern, not the URL).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestResultKind } from '@callgate/contracts';

export class HubMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'callgate_hub_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'callgate_hub_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'callgate_hub_logins_total',
    help: 'Login attempts by result (ok, credentials, rate-limited)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly records = new Counter({
    name: 'callgate_hub_records_ingested_total',
    help: 'Call records received, by result (stored, duplicate, replaced, dead-lettered)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'callgate_hub_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly liveClients = new Gauge({
    name: 'callgate_hub_live_clients',
    help: 'Supervisor live-view WebSockets open',
    registers: [this.registry],
  });
  readonly liveEvents = new Counter({
    name: 'callgate_hub_live_events_total',
    help: 'Live events and snapshots accepted from site gateways, by kind (event, snapshot, rejected)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'callgate_hub_' });
  }

  record(result: IngestResultKind): void {
    this.records.inc({ result });
  }
}
