/**
 * Phone numbers to E.164 with libphonenumber-js (Google's metadata, kept current by its
 * maintainers), so `8 (916) 123-45-67` typed in Moscow, `+7 916 1234567` from a CSV and
 * `79161234567` from Asterisk's CallerID all find the same contact.
 *
 * "Possible" (right length for the country), not "valid" (a known range), is required: a CRM
 * must not refuse a customer's real number because a new range is not in the metadata yet.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type E164 = `+${string}`;

/**
 * The number in E.164, or undefined when it cannot be a phone number. `defaultCountry` applies
 * to numbers written without a country code; a bare digit string that fails with it is tried as
 * international without the `+` (how Asterisk often reports CallerID: `79161234567`).
 */
export function toE164(input: string, defaultCountry?: string): E164 | undefined {
  const text = input.trim();
  if (text === '' || text.length > 40 || !/^[+0-9 ()./-]+$/.test(text)) return undefined;
  const country = defaultCountry as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(text, country);
  if (parsed?.isPossible()) return parsed.number as E164;
  const digits = text.replace(/[^0-9]/g, '');
  if (!text.startsWith('+') && digits.length >= 10) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isPossible()) return international.number as E164;
  }
  return undefined;
}
