/**
 * What the engine needs from the site configuration: which channels are operators' phones.
 * Operators are matched by their endpoint (`PJSIP/1001`, `SIP/1001`) against the device part of
 * a channel name, a queue member's `Interface`/`StateInterface`, or a `DeviceStateChange`
 * `Device` (recordings 02, 13 and 18 of both Asterisk versions use these spellings).
 */
import type { SiteConfig, SiteOperator } from '@callgate/contracts';
import { channelDevice, isLocalChannel } from './channel-name.js';

export interface EngineOperator {
  id: string;
  name: string;
  extension: string;
  endpoint: string;
  queues: readonly string[];
}

export interface EngineConfig {
  siteId: string;
  /** ISO country for numbers written without a country code. */
  defaultCountry: string;
  operators: readonly EngineOperator[];
  /** Lower-cased endpoint → operator. */
  byEndpoint: ReadonlyMap<string, EngineOperator>;
  byId: ReadonlyMap<string, EngineOperator>;
  byExtension: ReadonlyMap<string, EngineOperator>;
}

export type LegKind = 'operator' | 'local' | 'external';

export function engineConfig(site: SiteConfig): EngineConfig {
  const operators = site.operators.map((o: SiteOperator) => ({
    id: o.id,
    name: o.name,
    extension: o.extension,
    endpoint: o.endpoint,
    queues: [...o.queues],
  }));
  return {
    siteId: site.site.id,
    defaultCountry: site.dialing.defaultCountry,
    operators,
    byEndpoint: new Map(operators.map((o) => [o.endpoint.toLowerCase(), o])),
    byId: new Map(operators.map((o) => [o.id, o])),
    byExtension: new Map(operators.map((o) => [o.extension, o])),
  };
}

/** The operator whose phone a device or interface (`PJSIP/1001`) is, if any. */
export function operatorByDevice(config: EngineConfig, device: string): EngineOperator | undefined {
  return config.byEndpoint.get(device.toLowerCase());
}

/** Operator leg, Local channel (transfers, recording 12), or anything else (customer or trunk). */
export function classifyChannel(
  config: EngineConfig,
  name: string,
): { kind: LegKind; operator: EngineOperator | undefined } {
  if (isLocalChannel(name)) return { kind: 'local', operator: undefined };
  const operator = operatorByDevice(config, channelDevice(name));
  return operator ? { kind: 'operator', operator } : { kind: 'external', operator: undefined };
}
