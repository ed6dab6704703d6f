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
        <h3>{t('history.title')}</h3>
        <button type="button" class="link" onClick={() => store.refreshHistory()}>
          {t('history.refresh')}
        </button>
      </div>
      {history.phase === 'error' && <p class="notice notice-warn">{errorText(history.code)}</p>}
      {history.phase === 'loading' && history.calls.length === 0 && <p class="muted">{t('history.loading')}</p>}
      {history.phase === 'ready' && history.calls.length === 0 && <p class="muted">{t('history.empty')}</p>}
      {history.calls.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('history.when')}</th>
              <th>{t('history.number')}</th>
              <th>{t('history.outcome')}</th>
              <th>{t('history.talk')}</th>
              <th>{t('history.disposition')}</th>
              <th>
                <span class="visually-hidden">{t('history.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
    </div>
  );
}

function HistoryRow({ call, store, canDispose }: { call: HubCall; store: OperatorStore; canDispose: boolean }) {
  const r = call.record;
  return (
    <tr data-record-id={r.recordId} data-testid="history-row">
      <td class="nowrap">{formatDateTime(r.startedAt, locale.value)}</td>
      <td class="nowrap">
        <span class="muted">{r.direction === 'outbound' ? '→' : r.direction === 'inbound' ? '←' : '↔'}</span>{' '}
        {r.customerNumber ?? '—'}
      </td>
      <td>{tEnum('outcome', r.outcome)}</td>
      <td class="num">{formatSeconds(r.talkSeconds)}</td>
      <td data-testid="history-disposition">
        {call.disposition ? (
          <span title={call.disposition.notes}>{call.disposition.label}</span>
        ) : canDispose ? (
          <button type="button" class="link" onClick={() => store.wrapUpFromHistory(call)}>
            {t('history.addDisposition')}
          </button>
        ) : (
          '—'
        )}
      </td>
      <td>
        {r.customerNumber !== null && r.direction !== 'internal' && (
          <button
            type="button"
            class="btn btn-small btn-plain"
            onClick={() => store.dial(r.customerNumber ?? '', r.crmRef ?? undefined)}
          >
            {t('history.callBack')}
          </button>
        )}
      </td>
    </tr>
  );
}
