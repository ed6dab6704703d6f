/** The recordings' lab site (operators 1001–1003, queues support and sales), for every gateway test. */
import { parseSiteConfig, type SiteConfig } from '@callgate/contracts';

export const OPERATORS = [
  { id: 'op-1001', name: 'Anna Ivanova', extension: '1001', endpoint: 'PJSIP/1001', queues: ['support'] },
  { id: 'op-1002', name: 'Boris Petrov', extension: '1002', endpoint: 'PJSIP/1002', queues: ['support'] },
  { id: 'op-1003', name: 'Vera Sidorova', extension: '1003', endpoint: 'PJSIP/1003', queues: ['sales'] },
];

/** Who and what the lab site serves; a test adds the AMI, listen and data settings it needs. */
export const LAB_SITE = {
  site: { id: 'moscow', name: 'Moscow' },
  operators: OPERATORS,
  queues: [
    { name: 'support', label: 'Support line' },
    { name: 'sales', label: 'Sales' },
  ],
  lines: [{ number: '74950000000', label: 'Customer service' }],
  dialing: { defaultCountry: 'RU', originateContext: 'outbound', internalContext: 'internal' },
};

/** The lab site as the operator-side unit tests need it (no AMI behind it). */
export function testSiteConfig(overrides: Record<string, unknown> = {}): SiteConfig {
  const parsed = parseSiteConfig({
    ...LAB_SITE,
    ami: { username: 'callgate', secretFile: '/dev/null' },
    ...overrides,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
