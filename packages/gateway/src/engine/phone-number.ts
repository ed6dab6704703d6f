/**
 * Customer numbers in records: E.164 where the number can be read as one, as dialled otherwise
 * (issue 4). Asterisk gives numbers in whatever form the trunk or the dialplan used:
 * `79161234567` (recording 02, country code without `+`), `89161234567` (Russian national),
 * `+79161234567`, or placeholders such as `<unknown>` and `anonymous` (recording 06, the trunk
 * leg of a click-to-call starts with `CallerIDNum: <unknown>`).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Caller-id values that mean "no number" (Asterisk's placeholder, withheld numbers). */
const NO_NUMBER = new Set(['', '<unknown>', 'unknown', 'anonymous', 'restricted', 'private', 'unavailable']);

/**
 * The number as E.164 when it reads as a valid number (first in `defaultCountry`, then as an
 * international number written without `+`), else the digits as dialled; null for placeholders.
 */
export function normalizeNumber(raw: string, defaultCountry: string): string | null {
  // Caller ids come from the far end's SIP headers: keep no control characters.
  const trimmed = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (NO_NUMBER.has(trimmed.toLowerCase())) return null;
  const compact = trimmed.replace(/[\s().-]/g, '');
  if (!/^\+?[0-9*#]+$/.test(compact)) return trimmed.slice(0, 64);
  if (/[*#]/.test(compact)) return compact.slice(0, 64);
  const country = defaultCountry as CountryCode;
  if (compact.startsWith('+')) {
    const international = parsePhoneNumberFromString(compact);
    return international?.isPossible() ? international.number : compact;
  }
  const national = parsePhoneNumberFromString(compact, country);
  if (national?.isValid()) return national.number;
  const international = parsePhoneNumberFromString(`+${compact}`);
  if (international?.isValid()) return international.number;
  if (national?.isPossible() && compact.length > 6) return national.number;
  return compact;
}
