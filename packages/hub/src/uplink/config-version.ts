/**
 * The version of a config push: a hash of its content without `generatedAt`, so the same
 * directory, key set or verifier list has the same version however often it is generated, and
 * a reconnecting gateway that already has it is not sent it again.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content hashes equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'generatedAt' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function configVersion(payload: unknown): string {
  return createHash('sha256').update(canonical(payload)).digest('base64url');
}
