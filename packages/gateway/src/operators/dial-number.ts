/**
 * What an operator typed → something safe to dial: a colleague's extension, or an E.164 number
 * written the way the site's dialplan expects. Everything else is refused with a reason the
 * panel can show, before anything reaches Asterisk.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { SiteConfig } from '@callgate/contracts';
import { GatewayErrorCode } from '../errors.js';

export type DialTarget =
  { kind: 'internal'; extension: string; operatorId: string } | { kind: 'external'; e164: string; dialString: string };

export type DialCheck = { ok: true; target: DialTarget } | { ok: false; code: GatewayErrorCode; message: string };

// Digits and the punctuation people paste from CRMs and e-mails; nothing else.
const TYPED = /^\+?[0-9 ()./-]+$/;

export function checkDialNumber(raw: string, config: SiteConfig): DialCheck {
  const typed = raw.trim();
  if (typed === '' || typed.length > 40 || !TYPED.test(typed)) {
    return {
      ok: false,
      code: GatewayErrorCode.InvalidNumber,
      message: 'a phone number has only digits, spaces, +, -, ( and )',
    };
  }
  const digits = typed.replace(/[^0-9+]/g, '');
  const colleague = config.operators.find((op) => op.extension === digits);
  if (colleague)
    return { ok: true, target: { kind: 'internal', extension: colleague.extension, operatorId: colleague.id } };

  const phone = parsePhoneNumberFromString(digits, config.dialing.defaultCountry as CountryCode);
  if (!phone || !phone.isPossible()) {
    return { ok: false, code: GatewayErrorCode.InvalidNumber, message: `${typed} is not a possible phone number` };
  }
  const e164 = phone.number;
  const allowed = config.dialing.allowedPrefixes;
  if (allowed.length > 0 && !allowed.some((prefix) => e164.startsWith(prefix))) {
    return {
      ok: false,
      code: GatewayErrorCode.DestinationNotAllowed,
      message: `calls to ${e164} are not allowed from this site`,
    };
  }
  return {
    ok: true,
    target: { kind: 'external', e164, dialString: formatForDialplan(e164, phone.formatNational(), config) },
  };
}

function formatForDialplan(e164: string, national: string, config: SiteConfig): string {
  switch (config.dialing.dialFormat) {
    case 'e164':
      return e164;
    case 'e164-digits':
      return e164.slice(1);
    case 'national':
      return national.replace(/[^0-9]/g, '');
  }
}

/** E.164 for a number Asterisk reported (caller id), or the digits as they came. */
export function normaliseReportedNumber(reported: string, defaultCountry: string): string {
  const phone = parsePhoneNumberFromString(reported, defaultCountry as CountryCode);
  return phone?.isPossible() ? phone.number : reported;
}
