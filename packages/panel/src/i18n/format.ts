/** Numbers, durations and times the way each locale writes them. Pure. */
import type { Locale } from './i18n.js';

/** 7 s → `0:07`; 754 s → `12:34`; 3723 s → `1:02:03`. Negative durations show as zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: Locale, options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { ...options, timeZone });
    timeFormats.set(key, format);
  }
  return format;
}

/** `14:05` (24-hour in both locales: call centres run on 24-hour time). */
export function formatTime(iso: string, locale: Locale, timeZone?: string): string {
  return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }, timeZone).format(new Date(iso));
}

/** `27.11.2026, 14:05` / `27/11/2026, 14:05`. */
export function formatDateTime(iso: string, locale: Locale, timeZone?: string): string {
  return dateTimeFormat(
    locale,
    { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
    timeZone,
  ).format(new Date(iso));
}

/** 0.873 → `87%`; null → `—`. */
export function formatPercent(value: number | null, locale: Locale): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

/** Seconds with one decimal as the records carry them → `1:05`; null → `—`. */
export function formatSeconds(seconds: number | null): string {
  return seconds === null ? '—' : formatDuration(seconds * 1000);
}
