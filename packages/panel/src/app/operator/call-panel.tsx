/**
 * The operator's calls: the incoming pop-up while the phone rings, the active call with its
 * controls, click-to-call progress, and how the last call ended (answered, busy, no answer…).
 * The call itself is on the SIP phone: these buttons drive it through the gateway, and a reload
 * shows the call exactly as it is.
 */
import { useSignal } from '@preact/signals';
import type { OperatorCall } from '@callgate/contracts';
import { checkDialInput } from '../../client/dial-input.js';
import { formatDuration, formatTime } from '../../i18n/format.js';
import { now } from '../clock.js';
import { locale, t, tEnum } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { CommandButton } from '../ui/command-button.js';
import { ContactCard } from './contact-card.js';

function callTitle(call: OperatorCall): string {
  if (call.direction === 'internal') return call.name ?? call.number ?? t('call.unknownNumber');
  return call.number ?? t('call.unknownNumber');
}

function CallTimer({ store, call }: { store: OperatorStore; call: OperatorCall }) {
  const serverNow = store.serverNow(now.value);
  const from = call.answeredAt ?? call.startedAt;
  return (
    <span class="call-timer" data-testid="call-timer" title={t('call.duration')}>
      {formatDuration(serverNow - Date.parse(from))}
      {call.state === 'on-hold' && call.heldSince !== null && (
        <span class="hold-timer">
          {' '}
          · {t('call.heldFor', { time: formatDuration(serverNow - Date.parse(call.heldSince)) })}
        </span>
      )}
    </span>
  );
}

export function IncomingPopup({ store }: { store: OperatorStore }) {
  const call = store.state.value?.calls.find((c) => c.state === 'ringing');
  if (!call) return null;
  return (
    <div class="popup-layer">
      <section
        class="card popup"
        role="dialog"
        aria-modal="false"
        aria-labelledby="incoming-title"
        data-testid="incoming-popup"
        data-call-id={call.callId}
      >
        <p class="popup-kicker" id="incoming-title">
          <span class="pulse" aria-hidden="true" />
          {call.direction === 'internal' ? t('call.incomingInternal') : t('call.incoming')}
        </p>
        <p class="popup-number" data-testid="caller-number">
          {callTitle(call)}
        </p>
        {call.lineLabel !== null && (
          <p class="popup-line" data-testid="line-label">
            {t('call.line', { line: call.lineLabel })}
          </p>
        )}
        {call.direction !== 'internal' && <ContactCard store={store} number={call.number} />}
        <div class="popup-actions">
          <span class="hint">{t('call.answerOnPhone')}</span>
          <CommandButton
            kind="danger"
            entry={store.latest('hangup', call.callId)}
            onClick={() => store.command({ name: 'hangup', callId: call.callId })}
          >
            {t('call.decline')}
          </CommandButton>
        </div>
      </section>
    </div>
  );
}

export function CallPanel({ store }: { store: OperatorStore }) {
  const state = store.state.value;
  const calls = (state?.calls ?? []).filter((c) => c.state !== 'ringing');
  const last = state?.ended[0];
  if (calls.length === 0) {
    const ringing = (state?.calls ?? []).some((c) => c.state === 'ringing');
    return (
      <section class="card call-card is-idle" aria-labelledby="call-title" data-testid="call-panel" data-state="idle">
        <h2 id="call-title">{t('call.title')}</h2>
        <p class="idle-text">
          {ringing
            ? t('call.ringingNow')
            : state?.status?.work === 'logged-out'
              ? t('call.idleLoggedOut')
              : t('call.idle')}
        </p>
        {last && (
          <p class="last-call" data-testid="last-call" data-outcome={last.outcome ?? 'unknown'}>
            {t('call.lastCall', {
              number: callTitle(last),
              outcome: last.outcome === null ? t('outcome.unknown') : tEnum('callOutcome', last.outcome),
            })}
            {last.endedAt !== null && <span class="muted"> · {formatTime(last.endedAt, locale.value)}</span>}
          </p>
        )}
      </section>
    );
  }
  return (
    <>
      {calls.map((call) => (
        <ActiveCall store={store} call={call} consultation={calls.length > 1 && call.direction === 'internal'} />
      ))}
    </>
  );
}

/**
 * An attended transfer is under way on this call: the gateway says `consulting`, or (gateways
 * that report the customer's side only as held) this panel started one that the gateway
 * accepted and nothing ended, resumed or cancelled it since.
 */
function consulting(store: OperatorStore, call: OperatorCall): boolean {
  if (call.state === 'consulting') return true;
  if (call.state !== 'on-hold') return false;
  const start = store.latest('attended-transfer-start', call.callId);
  if (start?.phase !== 'done') return false;
  const since = (name: 'attended-transfer-cancel' | 'attended-transfer-complete' | 'unhold'): boolean => {
    const entry = store.latest(name, call.callId);
    return entry !== undefined && entry.sentAt >= start.sentAt && entry.phase !== 'failed';
  };
  return !since('attended-transfer-cancel') && !since('attended-transfer-complete') && !since('unhold');
}

function ActiveCall({
  store,
  call,
  consultation,
}: {
  store: OperatorStore;
  call: OperatorCall;
  consultation: boolean;
}) {
  const showTransfer = useSignal(false);
  const showKeypad = useSignal(false);
  const id = call.callId;
  const inTransfer = consulting(store, call);
  const holdHere = store.link.value?.welcome?.holdFromBrowser !== false;
  return (
    <section
      class={`card call-card state-${call.state}`}
      aria-labelledby={`call-${id}`}
      data-testid="call-panel"
      data-state={call.state}
      data-call-id={id}
    >
      <div class="call-head">
        <span class={`call-state state-${call.state}`} data-testid="call-state">
          {consultation ? t('call.consultation') : tEnum('callState', call.state)}
        </span>
        <CallTimer store={store} call={call} />
      </div>
      <p class="call-number" id={`call-${id}`} data-testid="call-number">
        {call.direction === 'outbound' ? '→ ' : call.direction === 'inbound' ? '← ' : ''}
        {callTitle(call)}
      </p>
      {call.lineLabel !== null && <p class="call-line">{t('call.line', { line: call.lineLabel })}</p>}
      {call.state === 'connecting' && <p class="hint">{t('call.connectingHint')}</p>}
      {call.state === 'dialing' && <p class="hint">{t('call.dialingHint')}</p>}
      {inTransfer && <p class="hint">{t('call.consultingHint')}</p>}
      {call.direction !== 'internal' && <ContactCard store={store} number={call.number} />}
      <div class="call-actions">
        {(call.state === 'talking' || call.state === 'on-hold') && !inTransfer && !holdHere && (
          <p class="hint" data-testid="hold-on-phone">
            {t('call.holdOnPhone')}
          </p>
        )}
        {(call.state === 'talking' || call.state === 'on-hold') && !inTransfer && holdHere && (
          <CommandButton
            id={`hold-${id}`}
            shortcut="H"
            entry={store.latest(call.state === 'on-hold' ? 'unhold' : 'hold', id)}
            onClick={() => store.command({ name: call.state === 'on-hold' ? 'unhold' : 'hold', callId: id })}
          >
            {call.state === 'on-hold' ? t('call.resume') : t('call.hold')}
          </CommandButton>
        )}
        {call.state === 'talking' && !consultation && (
          <>
            <button
              type="button"
              class="btn btn-plain"
              id={`transfer-${id}`}
              aria-expanded={showTransfer.value}
              onClick={() => (showTransfer.value = !showTransfer.value)}
            >
              {t('call.transfer')}
              <kbd>T</kbd>
            </button>
            <button
              type="button"
              class="btn btn-plain"
              aria-expanded={showKeypad.value}
              onClick={() => (showKeypad.value = !showKeypad.value)}
            >
              {t('call.keypad')}
            </button>
          </>
        )}
        {inTransfer && (
          <>
            <CommandButton
              kind="primary"
              entry={store.latest('attended-transfer-complete', id)}
              onClick={() => store.command({ name: 'attended-transfer-complete', callId: id })}
            >
              {t('call.completeTransfer')}
            </CommandButton>
            <CommandButton
              entry={store.latest('attended-transfer-cancel', id)}
              onClick={() => store.command({ name: 'attended-transfer-cancel', callId: id })}
            >
              {t('call.cancelTransfer')}
            </CommandButton>
          </>
        )}
        <CommandButton
          kind="danger"
          id={`hangup-${id}`}
          shortcut="X"
          entry={store.latest('hangup', id)}
          onClick={() => store.command({ name: 'hangup', callId: id })}
        >
          {call.state === 'connecting' || call.state === 'dialing' ? t('call.cancel') : t('call.hangUp')}
        </CommandButton>
      </div>
      {showTransfer.value && call.state === 'talking' && (
        <TransferForm store={store} call={call} onDone={() => (showTransfer.value = false)} />
      )}
      {showKeypad.value && call.state === 'talking' && <DtmfPad store={store} callId={id} />}
      <TransferStatus store={store} callId={id} />
    </section>
  );
}

function TransferStatus({ store, callId }: { store: OperatorStore; callId: string }) {
  const blind = store.latest('transfer', callId);
  const attended = store.latest('attended-transfer-start', callId);
  const entry = [blind, attended].filter((e) => e !== undefined).sort((a, b) => b.sentAt - a.sentAt)[0];
  if (!entry) return null;
  return (
    <div class="transfer-status">
      <CommandButton entry={entry} onClick={() => undefined} disabled>
        {entry.command.name === 'transfer' ? t('call.transferSent') : t('call.consultSent')}
      </CommandButton>
    </div>
  );
}

function TransferForm({ store, call, onDone }: { store: OperatorStore; call: OperatorCall; onDone: () => void }) {
  const colleagueId = useSignal('');
  const number = useSignal('');
  const problem = useSignal<string | null>(null);
  const welcome = store.link.value?.welcome;
  const colleagues = welcome?.colleagues ?? [];
  const go = (attended: boolean): void => {
    if (colleagueId.value !== '') {
      store.transfer(call.callId, { operatorId: colleagueId.value }, attended);
      onDone();
      return;
    }
    const check = checkDialInput(number.value, colleagues, welcome?.operator.extension ?? '');
    if (!check.ok) {
      problem.value = tEnum('dial.problem', check.problem);
      return;
    }
    store.transfer(
      call.callId,
      check.kind === 'colleague' ? { operatorId: check.colleague.operatorId } : { number: check.number },
      attended,
    );
    onDone();
  };
  return (
    <form
      class="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        go(false);
      }}
    >
      <select
        id="transfer-input"
        aria-label={t('transfer.to')}
        value={colleagueId.value}
        onChange={(e) => {
          colleagueId.value = e.currentTarget.value;
          problem.value = null;
        }}
      >
        <option value="">{t('transfer.toNumber')}</option>
        {colleagues.map((c) => (
          <option value={c.operatorId}>
            {c.name} ({c.extension})
          </option>
        ))}
      </select>
      {colleagueId.value === '' && (
        <input
          inputMode="tel"
          autocomplete="off"
          aria-label={t('transfer.number')}
          placeholder={t('transfer.placeholder')}
          value={number.value}
          onInput={(e) => {
            number.value = e.currentTarget.value;
            problem.value = null;
          }}
        />
      )}
      <button type="submit" class="btn btn-primary">
        {t('transfer.blind')}
      </button>
      <button type="button" class="btn btn-plain" onClick={() => go(true)}>
        {t('transfer.attended')}
      </button>
      {problem.value !== null && (
        <span class="form-error" role="alert">
          {problem.value}
        </span>
      )}
    </form>
  );
}

const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function DtmfPad({ store, callId }: { store: OperatorStore; callId: string }) {
  const entry = store.latest('dtmf', callId);
  return (
    <div class="dtmf">
      <div class="keypad">
        {DTMF_KEYS.map((k) => (
          <button type="button" class="key" onClick={() => store.command({ name: 'dtmf', callId, digits: k })}>
            {k}
          </button>
        ))}
      </div>
      {entry && (
        <CommandButton entry={entry} onClick={() => undefined} disabled>
          {t('call.dtmfSent', { digits: entry.command.name === 'dtmf' ? entry.command.digits : '' })}
        </CommandButton>
      )}
    </div>
  );
}
