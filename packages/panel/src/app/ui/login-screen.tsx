/**
 * Log in at the hub; the panel then opens the operator's own site gateway with the token it got.
 * Loaded from a gateway during a WAN outage, the same form logs in at the gateway (same API), whose
 * refusals (`GW_ERR_LOGIN_…`, `GW_ERR_SITE_LOGIN_UNAVAILABLE`) read like the hub's.
 */
import { useSignal } from '@preact/signals';
import { HubRequestError } from '../../client/hub-client.js';
import { PanelErrorCode } from '../../errors.js';
import { t } from '../i18n-state.js';
import { logIn, restoreSession, sessionEndedReason, sessionPhase } from '../session-store.js';
import { errorText } from './error-text.js';
import { Header } from './header.js';

/** Too many login attempts, at the hub or at a gateway: both say when to try again. */
const RATE_LIMITED = new Set(['HUB_ERR_RATE_LIMITED', 'GW_ERR_LOGIN_RATE_LIMITED']);

export function LoginScreen() {
  const username = useSignal('');
  const password = useSignal('');
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const unreachable = sessionPhase.value === 'hub-unreachable';

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await logIn(username.value.trim(), password.value);
      password.value = '';
    } catch (e) {
      if (e instanceof HubRequestError && RATE_LIMITED.has(e.code) && e.retryAfterSeconds !== null) {
        error.value = t('login.rateLimited', { seconds: e.retryAfterSeconds });
      } else {
        error.value = errorText(e instanceof HubRequestError ? e.code : PanelErrorCode.HubUnreachable);
      }
    } finally {
      busy.value = false;
    }
  };

  return (
    <div class="screen">
      <Header badges={null} />
      <main class="login">
        <form class="card login-card" onSubmit={(e) => void submit(e)}>
          <h1>{t('login.title')}</h1>
          {sessionEndedReason.value !== null && <p class="notice">{t('login.sessionEnded')}</p>}
          {unreachable && (
            <p class="notice notice-warn" role="alert">
              {t('login.hubUnreachable')}{' '}
              <button type="button" class="link" onClick={() => void restoreSession()}>
                {t('login.retry')}
              </button>
            </p>
          )}
          <label>
            {t('login.username')}
            <input
              name="username"
              autocomplete="username"
              required
              autoFocus
              value={username.value}
              onInput={(e) => (username.value = e.currentTarget.value)}
            />
          </label>
          <label>
            {t('login.password')}
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password.value}
              onInput={(e) => (password.value = e.currentTarget.value)}
            />
          </label>
          {error.value !== null && (
            <p class="form-error" role="alert">
              {error.value}
            </p>
          )}
          <button type="submit" class="btn btn-primary" disabled={busy.value}>
            {busy.value ? t('login.busy') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
