/** One call in full: every field of the record, its operator segments and offers, the disposition and notes. */
import { formatDateTime, formatSeconds } from '../../i18n/format.js';
import { locale, t, tEnum } from '../i18n-state.js';
import type { SupervisorStore } from '../supervisor-store.js';
import { errorText } from '../ui/error-text.js';

export function CallDetail({ store }: { store: SupervisorStore }) {
  const detail = store.detail.value;
  if (detail.phase === 'none') return null;
  return (
    <aside class="card call-detail" aria-labelledby="detail-title" data-testid="call-detail">
      <div class="section-head">
        <h2 id="detail-title">{t('detail.title')}</h2>
        <button type="button" class="link" onClick={() => store.closeCall()}>
          {t('detail.close')}
        </button>
      </div>
      {detail.phase === 'loading' && <p class="muted">{t('log.loading')}</p>}
      {detail.phase === 'error' && <p class="notice notice-warn">{errorText(detail.code)}</p>}
      {detail.phase === 'ready' && <Details store={store} />}
    </aside>
  );
}

function Details({ store }: { store: SupervisorStore }) {
  const detail = store.detail.value;
  if (detail.phase !== 'ready') return null;
  const { record: r, disposition } = detail.call;
  const when = (iso: string | null): string => (iso === null ? '—' : formatDateTime(iso, locale.value));
  const rows: [string, string][] = [
    [t('detail.site'), store.siteName(r.site)],
    [t('detail.direction'), tEnum('direction', r.direction)],
    [t('detail.number'), r.customerNumber ?? '—'],
    [t('detail.line'), r.line ?? '—'],
    [t('detail.queue'), r.queue ?? '—'],
    [t('detail.started'), when(r.startedAt)],
    [t('detail.answered'), when(r.answeredAt)],
    [t('detail.ended'), when(r.endedAt)],
    [t('detail.wait'), formatSeconds(r.waitSeconds)],
    [t('detail.ring'), formatSeconds(r.ringSeconds)],
    [t('detail.talk'), formatSeconds(r.talkSeconds)],
    [t('detail.hold'), formatSeconds(r.holdSeconds)],
    [t('detail.duration'), formatSeconds(r.durationSeconds)],
    [t('detail.outcome'), tEnum('outcome', r.outcome)],
    [t('detail.hangupBy'), tEnum('hangupBy', r.hangupBy)],
    [t('detail.cause'), `${r.hangupCause.code} ${r.hangupCause.text}`],
    [t('detail.recording'), r.recording ?? '—'],
    [t('detail.crmRef'), r.crmRef ?? '—'],
  ];
  return (
    <div data-record-id={r.recordId}>
      {r.incomplete && <p class="notice notice-warn">{t('detail.incomplete')}</p>}
      <dl class="facts">
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>{t('detail.segments')}</h3>
      {r.segments.length === 0 ? (
        <p class="muted">—</p>
      ) : (
        <table class="table compact">
          <thead>
            <tr>
              <th>{t('detail.operator')}</th>
              <th>{t('detail.answered')}</th>
              <th class="num">{t('detail.talk')}</th>
              <th class="num">{t('detail.hold')}</th>
              <th>{t('detail.endedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {r.segments.map((s) => (
              <tr>
                <td>
                  {store.personName(s.operatorId)} <span class="muted">({s.extension})</span>
                </td>
                <td>{formatDateTime(s.answeredAt, locale.value)}</td>
                <td class="num">{formatSeconds(s.talkSeconds)}</td>
                <td class="num">{formatSeconds(s.holdSeconds)}</td>
                <td>{tEnum('endedBy', s.endedBy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.offers.length > 0 && (
        <>
          <h3>{t('detail.offers')}</h3>
          <table class="table compact">
            <thead>
              <tr>
                <th>{t('detail.operator')}</th>
                <th class="num">{t('detail.ring')}</th>
                <th>{t('detail.result')}</th>
              </tr>
            </thead>
            <tbody>
              {r.offers.map((o) => (
                <tr>
                  <td>
                    {store.personName(o.operatorId)} <span class="muted">({o.extension})</span>
                  </td>
                  <td class="num">{formatSeconds(o.ringSeconds)}</td>
                  <td>{tEnum('offerResult', o.result)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>{t('detail.disposition')}</h3>
      {disposition === null ? (
        <p class="muted">{t('detail.noDisposition')}</p>
      ) : (
        <div class="disposition" data-testid="detail-disposition">
          <p>
            <strong>{disposition.label}</strong>{' '}
            <span class="muted">
              {t('detail.savedBy', {
                name: store.personName(disposition.savedBy),
                time: formatDateTime(disposition.savedAt, locale.value),
              })}
            </span>
          </p>
          {disposition.notes !== '' && <p class="notes-text">{disposition.notes}</p>}
        </div>
      )}
    </div>
  );
}
