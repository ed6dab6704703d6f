/**
 * Russian and English, both complete (a test compares the two catalogues key by key and checks
 * every key the screens use). The language comes from the user's choice, stored in the browser,
 * else from the browser's languages, else English.
 */
import { en, type MessageKey } from './en.js';
import { ru } from './ru.js';

export type Locale = 'en' | 'ru';
export const LOCALES: readonly Locale[] = ['en', 'ru'];
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, ru };
export type { MessageKey };

export const LOCALE_STORAGE_KEY = 'callgate.locale';

export function detectLocale(stored: string | null, languages: readonly string[]): Locale {
  if (stored === 'en' || stored === 'ru') return stored;
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return 'en';
}

export type MessageParams = Record<string, string | number>;

/** `Hello, {name}` + `{ name: 'Anna' }` → `Hello, Anna`. A missing parameter stays visible. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const text = catalogues[locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The translated message for an error code (`GW_ERR_…`, `HUB_ERR_…`, `PANEL_ERR_…`), if there is one. */
export function errorMessageKey(code: string): MessageKey | null {
  const key = `error.${code}`;
  return key in en ? (key as MessageKey) : null;
}
