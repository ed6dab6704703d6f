/**
 * Russian and English, both complete (a test compares the two catalogues key by key and checks
 * every key the screens use). The language comes from the user's choice, stored in the browser,
 * else from the browser's languages, else English. English is in the main bundle (and the
 * fallback); Russian is loaded when it is needed, so nobody downloads a language they do not use
 * twice over.
 */
import { en, type MessageKey } from './en.js';

export type Locale = 'en' | 'ru';
export const LOCALES: readonly Locale[] = ['en', 'ru'];
export type Catalogue = Record<MessageKey, string>;
export type { MessageKey };

const loaded: Partial<Record<Locale, Catalogue>> = { en };

/** Makes the locale's texts available (a no-op for English and for a locale already loaded). */
export async function loadCatalogue(locale: Locale): Promise<void> {
  if (loaded[locale]) return;
  if (locale === 'ru') loaded.ru = (await import('./ru.js')).ru;
}

/** The locale's texts, or English while they are not loaded. */
export function catalogue(locale: Locale): Catalogue {
  return loaded[locale] ?? en;
}

/** Whether a message exists (every catalogue has the same keys). */
export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

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
  const text = catalogue(locale)[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The translated message for an error code (`GW_ERR_…`, `HUB_ERR_…`, `PANEL_ERR_…`), if there is one. */
export function errorMessageKey(code: string): MessageKey | null {
  const key = `error.${code}`;
  return hasMessage(key) ? key : null;
}
