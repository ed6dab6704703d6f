/** The operator's work status with the time in it, and the buttons that change it. */
import { useSignal } from '@preact/signals';
import type { OperatorWorkStatus } from '@callgate/contracts';
import { formatDuration } from '../../i18n/format.js';
import { now } from '../clock.js';
import { t, tEnum } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { CommandButton } from '../ui/command-button.js';

/** A configured pause reason in the operator's language when the catalogue knows it, else as configured. */
export function pauseReasonLabel(reason: string): string {
  return tEnum('pause', reason);
}

function statusTitle(status: OperatorWorkStatus): string {
  switch (status.work) {
    case 'ready':
      return t('status.ready');
    case 'paused':
      return status.pauseReason
        ? t('status.pausedWith', { reason: pauseReasonLabel(status.pauseReason) })
        : t('status.paused');
    case 'wrap-up':
      return t('status.wrapUp');
    case 'logged-out':
      return t('status.loggedOut');
  }
}

export function StatusPanel({ store }: { store: OperatorStore }) {
  const link = store.link.value;
  const status = store.state.value?.status ?? null;
  const reasons = link?.welcome?.pauseReasons ?? [];
  const reason = useSignal('');
  const chosen = reason.value !== '' && reasons.includes(reason.value) ? reason.value : (reasons[0] ?? '');
  const serverNow = store.serverNow(now.value);

  if (!status) {
    return (
      <section class="card status-card" aria-labelledby="status-title">
        <h2 id="status-title">{t('status.title')}</h2>
        <p class="muted">{t('status.unknown')}</p>
      </section>
    );
  }
  const since = Date.parse(status.since);
  const wrapUpLeft = status.wrapUpEndsAt ? Date.parse(status.wrapUpEndsAt) - serverNow : null;

  return (
    <section class="card status-card" aria-labelledby="status-title">
      <h2 id="status-title" class="visually-hidden">
        {t('status.title')}
      </h2>
      <div class={`status-now status-${status.work}`} data-testid="work-status" data-work={status.work}>
        <span class="status-dot" aria-hidden="true" />
        <span class="status-name">{statusTitle(status)}</span>
        <span class="status-time" title={t('status.timeInStatus')}>
          {formatDuration(serverNow - since)}
        </span>
      </div>
      {status.work === 'wrap-up' && wrapUpLeft !== null && (
        <p class="status-detail">{t('status.wrapUpEndsIn', { time: formatDuration(wrapUpLeft) })}</p>
      )}
      <p class="status-detail muted" data-testid="phone-state">
        {tEnum('phone', status.phone)}
      </p>
      {!status.telephonyUp && (
        <p class="notice notice-warn" role="alert">
          {t('status.telephonyDown')}
        </p>
      )}
      <div class="status-actions">
        {status.work === 'logged-out' ? (
          <CommandButton
            kind="primary"
            shortcut="L"
            id="btn-log-in"
            entry={store.latest('log-in')}
            onClick={() => store.command({ name: 'log-in' })}
          >
            {t('status.startWork')}
          </CommandButton>
        ) : (
          <>
            <CommandButton
              kind="primary"
              shortcut="R"
              id="btn-ready"
              disabled={status.work === 'ready'}
              entry={store.latest('set-status')}
              onClick={() => store.command({ name: 'set-status', status: 'ready' })}
            >
              {t('status.goReady')}
            </CommandButton>
            {status.work === 'wrap-up' && (
              <CommandButton
                shortcut="W"
                id="btn-end-wrap-up"
                entry={store.latest('end-wrap-up')}
                onClick={() => store.command({ name: 'end-wrap-up' })}
              >
                {t('status.endWrapUp')}
              </CommandButton>
            )}
            {reasons.length > 0 && (
              <div class="pause-row">
                <select
                  id="pause-reason"
                  aria-label={t('status.pauseReason')}
                  value={chosen}
                  onChange={(e) => (reason.value = e.currentTarget.value)}
                >
                  {reasons.map((r) => (
                    <option value={r}>{pauseReasonLabel(r)}</option>
                  ))}
                </select>
                <button
                  type="button"
                  class="btn btn-plain"
                  id="btn-pause"
                  disabled={status.work === 'paused' && status.pauseReason === chosen}
                  onClick={() => store.command({ name: 'set-status', status: 'paused', reason: chosen })}
                >
                  {t('status.pause')}
                  <kbd>P</kbd>
                </button>
              </div>
            )}
            <CommandButton entry={store.latest('log-out')} onClick={() => store.command({ name: 'log-out' })}>
              {t('status.stopWork')}
            </CommandButton>
          </>
        )}
      </div>
    </section>
  );
}
