/**
 * Keyset pagination cursors: the sort key of the last item of a page, as opaque base64url JSON.
 * Keyset (not OFFSET) keeps deep pages as fast as the first and stable while records arrive.
 */
import { HubError, HubErrorCode } from './errors.js';

type Kind = 'string' | 'number';
type Decoded<K extends readonly Kind[]> = { [I in keyof K]: K[I] extends 'number' ? number : string };

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

const badCursor = (): HubError =>
  new HubError(HubErrorCode.Validation, 'cursor is not one this API returned', {
    problems: [{ path: 'cursor', reason: 'is not a valid cursor' }],
  });

export function decodeCursor<const K extends readonly Kind[]>(cursor: string, kinds: K): Decoded<K> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw badCursor();
  kinds.forEach((kind, i) => {
    const v: unknown = parsed[i];
    if (kind === 'number' ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string') throw badCursor();
  });
  return parsed as Decoded<K>;
}
