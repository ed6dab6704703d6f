/** The top bar: who is logged in, both connections' state in plain words, language, log out. */
import type { ComponentChildren } from 'preact';
import { LOCALES } from '../../i18n/i18n.js';
import { locale, setLocale, t } from '../i18n-state.js';
import { logOut, session } from '../session-store.js';

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'idle';

export function Badge(props: { tone: BadgeTone; label: string; children: ComponentChildren; testId?: string }) {
  return (
    <span class={`badge badge-${props.tone}`} data-testid={props.testId} data-tone={props.tone} role="status">
      <span class="badge-dot" aria-hidden="true" />
      <span class="badge-label">{props.label}:</span> {props.children}
    </span>
  );
}

export function Header(props: { badges: ComponentChildren; nav?: ComponentChildren; onLogout?: () => Promise<void> }) {
  const info = session.value;
  return (
    <header class="topbar">
      <div class="brand">callgate</div>
      {info && (
        <div class="who">
          <strong>{info.user.name}</strong>
          {info.user.extension !== '' && (
            <span class="muted"> · {t('header.extension', { ext: info.user.extension })}</span>
          )}
          {info.site && <span class="muted"> · {info.site.name}</span>}
        </div>
      )}
      {props.nav}
      <div class="badges">{props.badges}</div>
      <div class="locale-switch" role="group" aria-label={t('header.language')}>
        {LOCALES.map((l) => (
          <button
            type="button"
            class={`link${locale.value === l ? ' is-current' : ''}`}
            aria-pressed={locale.value === l}
            onClick={() => void setLocale(l)}
          >
            {l.toUpperCase()}
          </button>
        ))}
      </div>
      {info && (
        <button type="button" class="btn btn-plain btn-small" onClick={() => void (props.onLogout ?? logOut)()}>
          {t('header.logout')}
        </button>
      )}
    </header>
  );
}
