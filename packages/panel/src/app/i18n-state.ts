/** The chosen language as a signal: every text on screen follows a switch at once. */
import { signal } from '@preact/signals';
import {
  detectLocale,
  hasMessage,
  loadCatalogue,
  LOCALE_STORAGE_KEY,
  translate,
  type Locale,
  type MessageKey,
  type MessageParams,
} from '../i18n/i18n.js';

function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export const locale = signal<Locale>(detectLocale(storedLocale(), navigator.languages));

export async function setLocale(next: Locale): Promise<void> {
  await loadCatalogue(next);
  locale.value = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function t(key: MessageKey, params?: MessageParams): string {
  return translate(locale.value, key, params);
}

/** `tEnum('outcome', 'no-answer')` → the text of `outcome.no-answer`; an unknown value shows as it is. */
export function tEnum(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return hasMessage(key) ? translate(locale.value, key) : value;
}
