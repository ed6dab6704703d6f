/** Password verifiers as the hub sends them to a site (scrypt, at a cost cheap enough for tests). */
import type { SiteCredentialVerifiers } from '@callgate/contracts';
import { scryptHasher } from '@callgate/contracts/passwords';

export const SITE_PASSWORD = 'correct horse battery';
const hasher = scryptHasher({ log2N: 10, r: 8, p: 1 });

/** op-1001 and op-1002 (operators of moscow), a supervisor of moscow, an operator of tallinn. */
export async function siteVerifiers(): Promise<SiteCredentialVerifiers> {
  const verifier = await hasher.hash(SITE_PASSWORD);
  const at = '2026-11-01T08:00:00.000Z';
  const user = (userId: string, name: string, role: 'operator' | 'supervisor', site: string, extension: string) => ({
    userId,
    name,
    role,
    site,
    extension,
    verifier,
    passwordChangedAt: at,
  });
  return {
    site: 'moscow',
    generatedAt: at,
    users: [
      user('op-1001', 'Anna Ivanova', 'operator', 'moscow', '1001'),
      user('op-1002', 'Boris Petrov', 'operator', 'moscow', '1002'),
      user('sup-1', 'Sofia Supervisor', 'supervisor', 'moscow', ''),
      user('op-2001', 'Mart Tamm', 'operator', 'tallinn', '2001'),
    ],
  };
}
