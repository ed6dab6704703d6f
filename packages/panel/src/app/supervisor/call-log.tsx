/** The call log of every site the supervisor sees, with filters; a row opens the call's detail. */
import { useSignal } from '@preact/signals';
import type { CallDirection, CallOutcome } from '@callgate/contracts';
import { formatDateTime, formatSeconds } from '../../i18n/format.js';
import { locale, t, tEnum } from '../i18n-state.js';
import type { CallLogFilters, SupervisorStore } from '../supervisor-store.js';
import { errorText } from '../ui/error-text.js';
import { CallDetail } from './call-detail.js';

const DIRECTIONS: CallDirection[] = ['inbound', 'outbound', 'internal'];
const OUTCOMES: CallOutcome[] = ['answered', 'abandoned', 'no-answer', 'busy', 'failed', 'cancelled'];

/** `2026-11-27` (a date input) → the start of that day in the browser's time zone, ISO. */
function dayStart(date: string, plusDays = 0): string | undefined {
  if (date === '') return undefined;
  const [y, m, d] = date.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return undefined;
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function CallLog({ store }: { store: SupervisorStore }) {
  const log = store.callLog.value;
  const form = useSignal({ site: '', operator: '', direction: '', outcome: '', from: '', to: '' });
  const sites = [...store.sites.value.values()];
  const apply = (event: Event): void => {
    event.preventDefault();
    const f = form.value;
    const filters: CallLogFilters = {};
    if (f.site !== '') filters.site = f.site;
    if (f.operator.trim() !== '') filters.operator = f.operator.trim();
    if (f.direction !== '') filters.direction = f.direction as CallDirection;
    if (f.outcome !== '') filters.outcome = f.outcome as CallOutcome;
    const from = dayStart(f.from);
    const to = dayStart(f.to, 1);
    if (from !== undefined) filters.from = from;
    if (to !== undefined) filters.to = to;
    store.loadCalls(filters);
  };
  const set = (key: keyof typeof form.value) => (e: Event) => {
    form.value = { ...form.value, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value };
  };
  const detail = store.detail.value;

  return (
    <div class="call-log-layout">
      <section class="card call-log" aria-labelledby="log-title">
        <h2 id="log-title">{t('log.title')}</h2>
        <form class="filters" onSubmit={apply} data-testid="call-log-filters">
          <label>
            {t('log.site')}
            <select name="site" value={form.value.site} onChange={set('site')}>
              <option value="">{t('log.all')}</option>
              {sites.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          </label>
          <label>
            {t('log.operator')}
            <input
              name="operator"
              value={form.value.operator}
              onInput={set('operator')}
              placeholder={t('log.operatorId')}
            />
          </label>
          <label>
            {t('log.direction')}
            <select name="direction" value={form.value.direction} onChange={set('direction')}>
              <option value="">{t('log.all')}</option>
              {DIRECTIONS.map((d) => (
                <option value={d}>{tEnum('direction', d)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('log.outcome')}
            <select name="outcome" value={form.value.outcome} onChange={set('outcome')}>
              <option value="">{t('log.all')}</option>
              {OUTCOMES.map((o) => (
                <option value={o}>{tEnum('outcome', o)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('log.from')}
            <input type="date" name="from" value={form.value.from} onInput={set('from')} />
          </label>
          <label>
            {t('log.to')}
            <input type="date" name="to" value={form.value.to} onInput={set('to')} />
          </label>
          <button type="submit" class="btn btn-primary">
            {t('log.apply')}
          </button>
        </form>
        {log.phase === 'error' && <p class="notice notice-warn">{errorText(log.code)}</p>}
        {log.phase === 'ready' && log.calls.length === 0 && <p class="muted">{t('log.empty')}</p>}
        {log.calls.length > 0 && (
          <div class="scroll">
            <table class="table" data-testid="call-log-table">
              <thead>
                <tr>
                  <th>{t('log.started')}</th>
                  <th>{t('log.site')}</th>
                  <th>{t('log.direction')}</th>
                  <th>{t('log.number')}</th>
                  <th>{t('log.queue')}</th>
                  <th>{t('log.operator')}</th>
                  <th class="num">{t('log.wait')}</th>
                  <th class="num">{t('log.talk')}</th>
                  <th>{t('log.outcome')}</th>
                  <th>{t('log.disposition')}</th>
                </tr>
              </thead>
              <tbody>
                {log.calls.map((call) => {
                  const r = call.record;
                  const selected = detail.phase === 'ready' && detail.call.record.recordId === r.recordId;
                  return (
                    <tr
                      class={`clickable${selected ? ' is-selected' : ''}`}
                      tabIndex={0}
                      data-testid="call-log-row"
                      data-record-id={r.recordId}
                      onClick={() => store.openCall(r.recordId)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') store.openCall(r.recordId);
                      }}
                    >
                      <td class="nowrap">{formatDateTime(r.startedAt, locale.value)}</td>
                      <td>{store.siteName(r.site)}</td>
                      <td>{tEnum('direction', r.direction)}</td>
                      <td class="nowrap">{r.customerNumber ?? '—'}</td>
                      <td>{r.queue ?? '—'}</td>
                      <td>{r.segments.map((s) => store.personName(s.operatorId)).join(', ') || '—'}</td>
                      <td class="num">{formatSeconds(r.waitSeconds)}</td>
                      <td class="num">{formatSeconds(r.talkSeconds)}</td>
                      <td>{tEnum('outcome', r.outcome)}</td>
                      <td>{call.disposition?.label ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {log.nextCursor !== null && (
          <button
            type="button"
            class="btn btn-plain"
            disabled={log.phase === 'loading'}
            onClick={() => store.loadMoreCalls()}
          >
            {t('log.more')}
          </button>
        )}
        {log.phase === 'loading' && <p class="muted">{t('log.loading')}</p>}
      </section>
      {detail.phase !== 'none' && <CallDetail store={store} />}
    </div>
  );
}
