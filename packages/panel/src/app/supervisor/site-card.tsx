/**
 * One site at a glance: its link to the hub and to Asterisk, today's counters, queues with
 * waiting callers and the longest wait, operators with status and time in status, calls in
 * progress. Live: every change from the hub re-renders only what it touched.
 */
import type { OperatorStatus, QueueCounters, SiteLiveState } from '@callgate/contracts';
import { callsInProgress, queueWaits } from '../../client/live-state.js';
import { formatDuration, formatPercent, formatSeconds, formatTime } from '../../i18n/format.js';
import { now } from '../clock.js';
import { locale, t, tEnum } from '../i18n-state.js';
import { pauseReasonLabel } from '../operator/status-panel.js';
import type { SupervisorStore } from '../supervisor-store.js';
import { Badge } from '../ui/header.js';

function workLabel(o: OperatorStatus): string {
  if (o.work === 'paused' && o.pauseReason === 'wrap-up') return t('status.wrapUp');
  if (o.work === 'paused')
    return o.pauseReason ? t('status.pausedWith', { reason: pauseReasonLabel(o.pauseReason) }) : t('status.paused');
  return tEnum('work', o.work);
}

function workClass(o: OperatorStatus): string {
  if (o.work === 'paused' && o.pauseReason === 'wrap-up') return 'wrap-up';
  return o.work;
}

const ORDER: Record<string, number> = { ready: 0, 'wrap-up': 1, paused: 2, 'logged-out': 3 };

function Counters({ c, title }: { c: QueueCounters; title: string }) {
  return (
    <div class="counters" aria-label={title}>
      <div>
        <span class="counter-value" data-testid="counter-offered">
          {c.offered}
        </span>
        <span class="counter-label">{t('counters.offered')}</span>
      </div>
      <div>
        <span class="counter-value" data-testid="counter-answered">
          {c.answered}
        </span>
        <span class="counter-label">{t('counters.answered')}</span>
      </div>
      <div>
        <span class="counter-value" data-testid="counter-abandoned">
          {c.abandoned}
        </span>
        <span class="counter-label">{t('counters.abandoned')}</span>
      </div>
      <div>
        <span class="counter-value">{formatSeconds(c.averageWaitSeconds)}</span>
        <span class="counter-label">{t('counters.averageWait')}</span>
      </div>
      <div>
        <span class="counter-value">{formatPercent(c.serviceLevel, locale.value)}</span>
        <span class="counter-label">{t('counters.serviceLevel')}</span>
      </div>
    </div>
  );
}

/**
 * The site's record delivery (its gateway's outbox): records not yet at the hub and how old the
 * oldest is. A growing backlog means the WAN or the hub is in trouble; nothing is lost meanwhile.
 */
function Delivery({ site, now }: { site: SiteLiveState; now: number }) {
  const uplink = site.uplink;
  if (!uplink) return null;
  const backlog = uplink.outboxDepth;
  const oldest = uplink.oldestUndeliveredAt === null ? null : now - Date.parse(uplink.oldestUndeliveredAt);
  return (
    <Badge
      tone={backlog === 0 ? 'ok' : oldest !== null && oldest > 60_000 ? 'warn' : 'idle'}
      label={t('site.records')}
      testId="site-outbox"
    >
      <span data-backlog={backlog}>
        {backlog === 0
          ? t('site.recordsDelivered')
          : t('site.recordsWaiting', { count: backlog, time: formatDuration(oldest ?? 0) })}
      </span>
    </Badge>
  );
}

export function SiteCard({ store, site }: { store: SupervisorStore; site: SiteLiveState }) {
  const at = now.value;
  const queues = queueWaits(site);
  const calls = callsInProgress(site);
  const operators = [...site.operators].sort(
    (a, b) =>
      (ORDER[workClass(a)] ?? 9) - (ORDER[workClass(b)] ?? 9) ||
      store.personName(a.operatorId).localeCompare(store.personName(b.operatorId)),
  );
  const counts = { ready: 0, paused: 0, 'wrap-up': 0, 'logged-out': 0 } as Record<string, number>;
  for (const o of operators) counts[workClass(o)] = (counts[workClass(o)] ?? 0) + 1;

  return (
    <section class="card site-card" aria-labelledby={`site-${site.site}`} data-testid="site-card" data-site={site.site}>
      <div class="site-head">
        <h2 id={`site-${site.site}`}>{store.siteName(site.site)}</h2>
        <Badge tone={site.linked ? 'ok' : 'bad'} label={t('site.link')} testId="site-link">
          {site.linked ? t('site.linked') : t('site.unlinked')}
        </Badge>
        <Badge tone={site.amiConnected ? 'ok' : 'bad'} label={t('site.pbx')} testId="site-pbx">
          {site.amiConnected ? t('site.pbxUp') : t('site.pbxDown')}
        </Badge>
        <Delivery site={site} now={at} />
        {site.updatedAt !== null && (
          <span class="muted small">{t('site.updated', { time: formatTime(site.updatedAt, locale.value) })}</span>
        )}
      </div>
      <Counters c={site.counters.total} title={t('counters.today')} />

      <div class="site-grid">
        <div>
          <h3>{t('site.queues')}</h3>
          {queues.length === 0 ? (
            <p class="muted">{t('site.noQueues')}</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>{t('site.queue')}</th>
                  <th class="num">{t('site.waiting')}</th>
                  <th class="num">{t('site.longestWait')}</th>
                  <th class="num">{t('counters.offered')}</th>
                  <th class="num">{t('counters.answered')}</th>
                  <th class="num">{t('counters.abandoned')}</th>
                  <th class="num">{t('counters.serviceLevelShort')}</th>
                </tr>
              </thead>
              <tbody>
                {queues.map((q) => {
                  const c = site.counters.queues[q.queue];
                  return (
                    <tr data-testid="queue-row" data-queue={q.queue} class={q.waiting > 0 ? 'has-waiting' : ''}>
                      <td>{q.queue}</td>
                      <td class="num" data-testid="queue-waiting">
                        {q.waiting}
                      </td>
                      <td class="num">
                        {q.longestSince === null ? '—' : formatDuration(at - Date.parse(q.longestSince))}
                      </td>
                      <td class="num">{c?.offered ?? 0}</td>
                      <td class="num">{c?.answered ?? 0}</td>
                      <td class="num">{c?.abandoned ?? 0}</td>
                      <td class="num">{formatPercent(c?.serviceLevel ?? null, locale.value)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}

          <h3>
            {t('site.calls')} <span class="muted">({calls.length})</span>
          </h3>
          {calls.length === 0 ? (
            <p class="muted">{t('site.noCalls')}</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>{t('site.number')}</th>
                  <th>{t('site.queue')}</th>
                  <th>{t('site.state')}</th>
                  <th>{t('site.operator')}</th>
                  <th class="num">{t('site.duration')}</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((c) => (
                  <tr data-testid="live-call" data-call-id={c.callId} data-state={c.state}>
                    <td>
                      <span class="muted">
                        {c.direction === 'outbound' ? '→' : c.direction === 'inbound' ? '←' : '↔'}
                      </span>{' '}
                      {c.customerNumber ?? '—'}
                    </td>
                    <td>{c.queue ?? '—'}</td>
                    <td>{tEnum('liveState', c.state)}</td>
                    <td>{c.operatorIds.map((id) => store.personName(id)).join(', ') || '—'}</td>
                    <td class="num">{formatDuration(at - Date.parse(c.answeredAt ?? c.startedAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>{t('site.operators')}</h3>
          <p class="muted small" data-testid="operator-counts">
            {t('site.operatorCounts', {
              ready: counts.ready ?? 0,
              paused: counts.paused ?? 0,
              wrapUp: counts['wrap-up'] ?? 0,
              out: counts['logged-out'] ?? 0,
            })}
          </p>
          <div class="scroll">
            <table class="table compact">
              <thead>
                <tr>
                  <th>{t('site.operator')}</th>
                  <th>{t('site.status')}</th>
                  <th>{t('site.phone')}</th>
                  <th class="num">{t('site.inStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {operators.map((o) => (
                  <tr data-testid="operator-row" data-operator={o.operatorId} data-work={o.work}>
                    <td>{store.personName(o.operatorId)}</td>
                    <td>
                      <span class={`dot status-${workClass(o)}`} aria-hidden="true" /> {workLabel(o)}
                    </td>
                    <td>{tEnum('phone', o.phone)}</td>
                    <td class="num">{formatDuration(at - Date.parse(o.since))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </section>
  );
}
