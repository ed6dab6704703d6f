/**
 * What the operator typed in the dial pad, checked before anything is sent, with a reason the
 * screen can say in the operator's language. It mirrors the gateway's first check
 * (gateway/src/operators/dial-number.ts: digits and `+ ( ) . / -` and spaces only); the
 * gateway still decides whether the number is possible and allowed for the site.
 */
import type { Colleague } from '@callgate/contracts';

export type DialProblem = 'empty' | 'bad-characters' | 'misplaced-plus' | 'too-short' | 'too-long' | 'own-extension';

export type DialInput =
  | { ok: true; kind: 'colleague'; number: string; colleague: Colleague }
  | { ok: true; kind: 'external'; number: string }
  | { ok: false; problem: DialProblem };

const TYPED = /^[0-9 ()./+-]+$/;
/** E.164 has at most 15 digits; the shortest public numbers (emergency, services) have 3. */
const MIN_DIGITS = 3;
const MAX_DIGITS = 15;

export function checkDialInput(raw: string, colleagues: readonly Colleague[], ownExtension: string): DialInput {
  const typed = raw.trim();
  if (typed === '') return { ok: false, problem: 'empty' };
  if (typed.length > 40 || !TYPED.test(typed)) return { ok: false, problem: 'bad-characters' };
  if (typed.lastIndexOf('+') > 0) return { ok: false, problem: 'misplaced-plus' };
  const digits = typed.replace(/[^0-9]/g, '');
  if (digits !== '' && digits === ownExtension) return { ok: false, problem: 'own-extension' };
  const colleague = colleagues.find((c) => c.extension === digits && !typed.startsWith('+'));
  if (colleague) return { ok: true, kind: 'colleague', number: colleague.extension, colleague };
  if (digits.length < MIN_DIGITS) return { ok: false, problem: 'too-short' };
  if (digits.length > MAX_DIGITS) return { ok: false, problem: 'too-long' };
  return { ok: true, kind: 'external', number: typed };
}
