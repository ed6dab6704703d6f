/** The supervisor dashboard: every site at a glance, and the call log. */
import { useSignal } from '@preact/signals';
import type { SessionInfo } from '@callgate/contracts';
import { useEffect, useMemo } from 'preact/hooks';
import { t } from '../i18n-state.js';
import { SupervisorStore } from '../supervisor-store.js';
import { Badge, Header } from '../ui/header.js';
import { CallLog } from './call-log.js';
import { SiteCard } from './site-card.js';

export function SupervisorScreen({ info }: { info: SessionInfo }) {
  const store = useMemo(() => new SupervisorStore(info), [info]);
  const tab = useSignal<'sites' | 'calls'>('sites');
  useEffect(() => {
    store.start();
    const wake = (): void => store.wake();
    window.addEventListener('online', wake);
    return () => {
      window.removeEventListener('online', wake);
      store.dispose();
    };
  }, [store]);

  const live = store.live.value;
  const phase = live?.phase ?? 'connecting';
  const sites = store.siteList.value;
  return (
    <div class="screen supervisor-screen">
      <Header
        nav={
          <nav class="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={tab.value === 'sites'}
              class={`tab${tab.value === 'sites' ? ' is-current' : ''}`}
              onClick={() => (tab.value = 'sites')}
            >
              {t('nav.sites')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab.value === 'calls'}
              class={`tab${tab.value === 'calls' ? ' is-current' : ''}`}
              onClick={() => (tab.value = 'calls')}
            >
              {t('nav.calls')}
            </button>
          </nav>
        }
        badges={
          <Badge
            tone={phase === 'live' && live?.inSync ? 'ok' : phase === 'stopped' ? 'bad' : 'warn'}
            label={t('badge.live')}
            testId="live-badge"
          >
            <span data-phase={phase}>
              {phase === 'live'
                ? live?.inSync
                  ? t('badge.connected')
                  : t('badge.resyncing')
                : phase === 'stopped'
                  ? t('badge.disconnected')
                  : t('badge.reconnecting')}
            </span>
          </Badge>
        }
      />
      <main class="supervisor-main">
        {tab.value === 'sites' ? (
          sites.length === 0 ? (
            <p class="muted center">{phase === 'live' ? t('site.none') : t('badge.connecting')}</p>
          ) : (
            <div class="site-list">
              {sites.map((s) => (
                <SiteCard store={store} site={s} />
              ))}
            </div>
          )
        ) : (
          <CallLog store={store} />
        )}
      </main>
    </div>
  );
}
