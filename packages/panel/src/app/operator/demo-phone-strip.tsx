/**
 * `callgate demo` only: a strip standing in for the SIP phone on the operator's desk, so the
 * demo can be used without a phone. Its buttons act on the simulated phone, exactly as the
 * operator would on a real one; the rest of the panel then follows the gateway's events.
 */
import { t } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';

export function DemoPhoneStrip({ store }: { store: OperatorStore }) {
  if (!store.demoPhone.value) return null;
  const phone = store.state.value?.status?.phone ?? 'idle';
  const button = (action: Parameters<OperatorStore['demoPhoneAction']>[0], label: string, kind = 'plain') => (
    <button type="button" class={`btn btn-small btn-${kind}`} onClick={() => store.demoPhoneAction(action)}>
      {label}
    </button>
  );
  return (
    <aside class="demo-phone" aria-label={t('demo.title')} data-testid="demo-phone">
      <strong>{t('demo.title')}</strong>
      <span class="muted">{t('demo.hint')}</span>
      {phone === 'ringing' && (
        <>
          {button('answer', t('demo.answer'), 'primary')}
          {button('reject', t('demo.reject'))}
        </>
      )}
      {phone === 'in-call' && (
        <>
          {button('hold', t('demo.hold'))}
          {button('hangup', t('demo.hangup'), 'danger')}
        </>
      )}
      {phone === 'on-hold' && (
        <>
          {button('unhold', t('demo.unhold'))}
          {button('hangup', t('demo.hangup'), 'danger')}
        </>
      )}
    </aside>
  );
}
