/**
 * The gateway's Prometheus metrics (`/metrics`), one registry per gateway so several gateways
 * in one process (the demo, tests) do not mix. Names are documented in docs/operations.md.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AmiConnectionState } from '@callgate/ami';

const AMI_STATES: readonly AmiConnectionState[] = ['connecting', 'connected', 'booted', 'disconnected', 'stopped'];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly amiConnection = new Gauge({
    name: 'callgate_gateway_ami_connection_state',
    help: 'AMI connection state (1 for the current state)',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly telephonyUp = new Gauge({
    name: 'callgate_gateway_telephony_up',
    help: '1 while logged in to AMI and resynchronised',
    registers: [this.registry],
  });
  readonly amiEvents = new Counter({
    name: 'callgate_gateway_ami_events_total',
    help: 'AMI events received',
    registers: [this.registry],
  });
  readonly domainEvents = new Counter({
    name: 'callgate_gateway_domain_events_total',
    help: 'Domain events produced by the call engine',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'callgate_gateway_operator_commands_total',
    help: 'Operator commands by final result',
    labelNames: ['command', 'result'],
    registers: [this.registry],
  });
  readonly siteLogins = new Counter({
    name: 'callgate_gateway_site_logins_total',
    help: 'Site-only logins at the gateway (hub out of reach) by result: ok, failed, refused, rate-limited',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly siteTokens = new Counter({
    name: 'callgate_gateway_site_tokens_total',
    help: 'Operator tokens the gateway signed itself (site logins and renewals while the hub is out of reach)',
    registers: [this.registry],
  });
  #operatorConnections: () => number = () => 0;
  #operatorsOnline: () => number = () => 0;
  readonly operatorConnections: Gauge = new Gauge({
    name: 'callgate_gateway_operator_connections',
    help: 'Open operator WebSocket connections (tabs)',
    registers: [this.registry],
    collect: (): void => this.operatorConnections.set(this.#operatorConnections()),
  });
  readonly operatorsOnline: Gauge = new Gauge({
    name: 'callgate_gateway_operators_online',
    help: 'Operators with at least one open connection',
    registers: [this.registry],
    collect: (): void => this.operatorsOnline.set(this.#operatorsOnline()),
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'callgate_gateway_' });
    this.amiState('disconnected');
  }

  amiState(state: AmiConnectionState): void {
    for (const s of AMI_STATES) this.amiConnection.set({ state: s }, s === state ? 1 : 0);
  }

  /** Where the operator gauges read their values at scrape time. */
  observeOperators(connections: () => number, online: () => number): void {
    this.#operatorConnections = connections;
    this.#operatorsOnline = online;
  }
}
