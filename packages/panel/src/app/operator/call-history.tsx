/**
 * The operator's own calls from the hub: when, who, how it ended, how long, the disposition
 * (or a button to add one), and call back.
 */
import type { HubCall } from '@callgate/contracts';
import { formatDateTime, formatSeconds } from '../../i18n/format.js';
import { locale, t, tEnum } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { errorText } from '../ui/error-text.js';

export function CallHistory({ store }: { store: OperatorStore }) {
  const history = store.history.value;
  const openIds = new Set(store.openWrapUps.value.map((w) => w.callId));
  const operatorId = store.session.user.id;
  return (
    <div class="history" data-testid="call-history">
      <div class="section-head">
        <span class="muted small">{t('history.hint')}</span>
        <button type="button" class="link" onClick={() => store.refreshHistory()}>
          {t('history.refresh')}
        </button>
      </div>
      {history.phase === 'error' && <p class="notice notice-warn">{errorText(history.code)}</p>}
      {history.phase === 'loading' && history.calls.length === 0 && <p class="muted">{t('history.loading')}</p>}
      {history.phase === 'ready' && history.calls.length === 0 && <p class="muted">{t('history.empty')}</p>}
      {history.calls.length > 0 && (
        <ul class="history-list">
          {history.calls.map((call) => (
            <HistoryRow
              call={call}
              store={store}
              canDispose={
                call.disposition === null &&
                !openIds.has(call.record.callId) &&
                call.record.segments.some((s) => s.operatorId === operatorId) &&
                call.record.direction !== 'internal'
              }
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function HistoryRow({ call, store, canDispose }: { call: HubCall; store: OperatorStore; canDispose: boolean }) {
  const r = call.record;
  return (
    <li class="history-item" data-record-id={r.recordId} data-testid="history-row">
      <div class="history-main">
        <span class="history-number">
          <span class="muted">{r.direction === 'outbound' ? '→' : r.direction === 'inbound' ? '←' : '↔'}</span>{' '}
          {r.customerNumber ?? '—'}
        </span>
        <span class={`history-outcome outcome-${r.outcome}`}>{tEnum('outcome', r.outcome)}</span>
      </div>
      <div class="history-meta">
        <span class="muted">
          {formatDateTime(r.startedAt, locale.value)} · {t('history.talkFor', { time: formatSeconds(r.talkSeconds) })}
        </span>
        <span data-testid="history-disposition">
          {call.disposition ? (
            <span class="tag" title={call.disposition.notes}>
              {call.disposition.label}
            </span>
          ) : canDispose ? (
            <button type="button" class="link" onClick={() => store.wrapUpFromHistory(call)}>
              {t('history.addDisposition')}
            </button>
          ) : null}
        </span>
      </div>
      {r.customerNumber !== null && r.direction !== 'internal' && (
        <div class="history-actions">
          <button
            type="button"
            class="btn btn-small btn-plain"
            onClick={() => store.dial(r.customerNumber ?? '', r.crmRef ?? undefined)}
          >
            {t('history.callBack')}
          </button>
        </div>
      )}
    </li>
  );
}
