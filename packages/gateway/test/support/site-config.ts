/** A site configuration for the operator-side tests (the recordings' lab layout: 1001–1003). */
import { parseSiteConfig, type SiteConfig } from '@callgate/contracts';

export function testSiteConfig(overrides: Record<string, unknown> = {}): SiteConfig {
  const parsed = parseSiteConfig({
    site: { id: 'moscow', name: 'Moscow' },
    ami: { username: 'callgate', secretFile: '/dev/null' },
    operators: [
      { id: 'op-1001', name: 'Anna Ivanova', extension: '1001', endpoint: 'PJSIP/1001', queues: ['support'] },
      { id: 'op-1002', name: 'Boris Petrov', extension: '1002', endpoint: 'PJSIP/1002', queues: ['support'] },
      { id: 'op-1003', name: 'Vera Sidorova', extension: '1003', endpoint: 'PJSIP/1003', queues: ['sales'] },
    ],
    queues: [
      { name: 'support', label: 'Support line' },
      { name: 'sales', label: 'Sales' },
    ],
    lines: [{ number: '74950000000', label: 'Customer service' }],
    dialing: { defaultCountry: 'RU', originateContext: 'outbound', internalContext: 'internal' },
    ...overrides,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
