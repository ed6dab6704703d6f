/** The operator's screen at 1280×720: status and dial pad on the left, the call and after-call work in the middle, history and contacts on the right. */
import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { formatTime } from '../../i18n/format.js';
import { locale, t, tEnum } from '../i18n-state.js';
import { OperatorStore } from '../operator-store.js';
import { hubReachable, initialToken, logOut } from '../session-store.js';
import { bindShortcuts, clickById, focusById } from '../shortcuts.js';
import { Badge, Header } from '../ui/header.js';
import { CallHistory } from './call-history.js';
import { CallPanel, IncomingPopup } from './call-panel.js';
import { ContactSearch } from './contact-search.js';
import { DemoPhoneStrip } from './demo-phone-strip.js';
import { DialPad } from './dial-pad.js';
import { StatusPanel } from './status-panel.js';
import { WrapUpForms } from './wrap-up-form.js';
import { ShortcutHelp } from '../ui/shortcut-help.js';
import type { SessionInfo } from '@callgate/contracts';

export function OperatorScreen({ info }: { info: SessionInfo }) {
  const store = useMemo(() => new OperatorStore(info, initialToken.peek()), [info]);
  const tab = useSignal<'history' | 'contacts'>('history');
  const help = useSignal(false);

  useEffect(() => {
    store.start();
    const unbind = bindShortcuts([
      { key: 'r', run: () => clickById('btn-ready') },
      { key: 'p', run: () => clickById('btn-pause') },
      { key: 'l', run: () => clickById('btn-log-in') },
      { key: 'w', run: () => clickById('btn-end-wrap-up') },
      { key: 'd', run: () => focusById('dial-input') },
      {
        key: 'h',
        run: () => {
          const call = store.current.peek();
          return call !== null && clickById(`hold-${call.callId}`);
        },
      },
      {
        key: 't',
        run: () => {
          const call = store.current.peek();
          if (call === null) return false;
          if (!focusById('transfer-input')) clickById(`transfer-${call.callId}`);
          return true;
        },
      },
      {
        key: 'x',
        run: () => {
          const call = store.current.peek();
          return call !== null && call.state !== 'ringing' && clickById(`hangup-${call.callId}`);
        },
      },
      {
        key: '/',
        run: () => {
          tab.value = 'contacts';
          setTimeout(() => focusById('contact-search-input'), 0);
        },
      },
      { key: '?', run: () => void (help.value = !help.value) },
    ]);
    return () => {
      unbind();
      store.dispose();
    };
  }, [store]);

  const link = store.link.value;
  // A site login (at the gateway, during a WAN outage) has no CRM at all: the gateway answering
  // the token renewals must not make the CRM badge look connected.
  const siteMode = info.issuedBy === 'site';
  const crmReachable = hubReachable.value && !siteMode;
  // A ringing call shows in the tab's title too: the panel is often behind the CRM's own tabs.
  const ringing = store.state.value?.calls.some((c) => c.state === 'ringing') ?? false;
  const title = ringing ? `● ${t('call.incoming')} · callgate` : 'callgate';
  useEffect(() => {
    document.title = title;
  }, [title]);
  const logoutAndLeaveQueues = async (): Promise<void> => {
    // Leaving the panel while still in the queues would leave calls ringing at an empty desk.
    const work = store.state.peek()?.status?.work;
    if (work !== undefined && work !== 'logged-out' && link?.phase === 'live') store.command({ name: 'log-out' });
    await logOut();
  };

  return (
    <div class="screen operator-screen">
      <Header
        onLogout={logoutAndLeaveQueues}
        badges={
          <>
            <TelephonyBadge store={store} />
            <Badge tone={crmReachable ? 'ok' : 'warn'} label={t('badge.crm')} testId="crm-badge">
              {crmReachable ? t('badge.connected') : t('badge.crmUnreachable')}
            </Badge>
          </>
        }
        nav={
          <button type="button" class="link shortcut-link" onClick={() => (help.value = !help.value)}>
            {t('shortcuts.title')} <kbd>?</kbd>
          </button>
        }
      />
      {siteMode && (
        <p class="banner banner-info" role="status" data-testid="site-mode">
          {t('banner.siteMode')}
        </p>
      )}
      {link?.phase === 'stopped' && link.stopReason !== 'logged-out' && (
        <p class="banner banner-bad" role="alert">
          {tEnum('stopped', link.stopReason ?? 'unauthorized')}
        </p>
      )}
      <main class="operator-grid">
        <div class="col col-left">
          <StatusPanel store={store} />
          <DialPad store={store} />
        </div>
        <div class="col col-main">
          <CallPanel store={store} />
          <WrapUpForms store={store} />
        </div>
        <div class="col col-right card">
          <div class="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={tab.value === 'history'}
              class={`tab${tab.value === 'history' ? ' is-current' : ''}`}
              onClick={() => (tab.value = 'history')}
            >
              {t('history.title')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab.value === 'contacts'}
              class={`tab${tab.value === 'contacts' ? ' is-current' : ''}`}
              onClick={() => (tab.value = 'contacts')}
            >
              {t('contacts.title')} <kbd>/</kbd>
            </button>
          </div>
          {tab.value === 'history' ? <CallHistory store={store} /> : <ContactSearch store={store} />}
        </div>
      </main>
      <DemoPhoneStrip store={store} />
      <IncomingPopup store={store} />
      {help.value && <ShortcutHelp onClose={() => (help.value = false)} />}
    </div>
  );
}

function TelephonyBadge({ store }: { store: OperatorStore }) {
  const link = store.link.value;
  if (!link) return null;
  const telephonyUp = link.operator.status?.telephonyUp ?? true;
  let tone: 'ok' | 'warn' | 'bad' = 'ok';
  let text = t('badge.connected');
  if (link.phase === 'connecting') {
    tone = 'warn';
    text = t('badge.connecting');
  } else if (link.phase === 'reconnecting') {
    tone = 'warn';
    text = t('badge.reconnecting');
  } else if (link.phase === 'stopped') {
    tone = 'bad';
    text = t('badge.disconnected');
  } else if (!telephonyUp) {
    tone = 'warn';
    text = t('badge.pbxDown');
  } else if (link.renewalFailing && link.tokenExpiresAt !== null) {
    tone = 'warn';
    text = t('badge.tokenUntil', { time: formatTime(link.tokenExpiresAt, locale.value) });
  }
  return (
    <Badge tone={tone} label={t('badge.telephony')} testId="telephony-badge">
      <span data-phase={link.phase}>{text}</span>
    </Badge>
  );
}
