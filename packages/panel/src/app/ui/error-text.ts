/** An error code as the operator reads it: the translated text when there is one, else the server's message. */
import { errorMessageKey } from '../../i18n/i18n.js';
import { t } from '../i18n-state.js';

export function errorText(code: string | null, fallback: string | null = null): string {
  if (code !== null) {
    const key = errorMessageKey(code);
    if (key) return t(key);
  }
  return fallback ?? t('error.unknown', { code: code ?? '?' });
}
