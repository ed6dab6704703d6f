/**
 * After the call: the disposition from the configured list and notes, saved to the hub. What is
 * typed is kept in the browser until it is saved (a reload or an unreachable hub loses nothing);
 * Ctrl+Enter saves.
 */
import type { DispositionOption } from '@callgate/contracts';
import type { WrapUp } from '../../client/wrap-up-queue.js';
import { formatDuration } from '../../i18n/format.js';
import { t } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { errorText } from '../ui/error-text.js';

/** A text field of a form ('' when absent). */
function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

export function WrapUpForms({ store }: { store: OperatorStore }) {
  const open = store.openWrapUps.value;
  if (open.length === 0) return null;
  return (
    <>
      {open.map((w) => (
        <WrapUpForm key={w.callId} store={store} item={w} options={store.dispositions.value} />
      ))}
    </>
  );
}

function WrapUpForm({ store, item, options }: { store: OperatorStore; item: WrapUp; options: DispositionOption[] }) {
  const call = item.call;
  const talk =
    call.answeredAt !== null && call.endedAt !== null ? Date.parse(call.endedAt) - Date.parse(call.answeredAt) : null;
  const busy = item.phase === 'saving';
  const submit = (form: HTMLFormElement): void => {
    const data = new FormData(form);
    const code = text(data, 'code');
    if (code === '') return;
    store.submitWrapUp(item.callId, code, text(data, 'notes'));
  };
  return (
    <section
      class="card wrap-up-card"
      aria-labelledby={`wrap-${item.callId}`}
      data-testid="wrap-up-form"
      data-call-id={item.callId}
      data-phase={item.phase}
    >
      <h2 id={`wrap-${item.callId}`}>
        {t('wrapUp.title', { number: call.number ?? t('call.unknownNumber') })}
        {talk !== null && <span class="muted"> · {t('wrapUp.talked', { time: formatDuration(talk) })}</span>}
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit(e.currentTarget);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit(e.currentTarget);
          }
        }}
        onInput={(e) => {
          const data = new FormData(e.currentTarget);
          store.draftWrapUp(item.callId, text(data, 'code'), text(data, 'notes'));
        }}
      >
        <fieldset class="dispositions" disabled={busy}>
          <legend>{t('wrapUp.disposition')}</legend>
          {options.length === 0 && <p class="muted">{t('wrapUp.noOptions')}</p>}
          {options.map((o) => (
            <label class="choice">
              <input type="radio" name="code" value={o.code} checked={item.code === o.code} required />
              {o.label}
            </label>
          ))}
        </fieldset>
        <label class="notes">
          {t('wrapUp.notes')}
          <textarea name="notes" rows={3} disabled={busy} value={item.notes} maxLength={10000} />
        </label>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || options.length === 0}>
            {busy ? t('wrapUp.saving') : t('wrapUp.save')}
            <kbd>Ctrl+Enter</kbd>
          </button>
          <button type="button" class="btn btn-plain" onClick={() => store.skipWrapUp(item.callId)}>
            {t('wrapUp.skip')}
          </button>
          {item.phase === 'waiting' && (
            <span class="notice" role="status" data-testid="wrap-up-waiting">
              {t('wrapUp.waiting')}
            </span>
          )}
          {item.phase === 'failed' && (
            <span class="form-error" role="alert">
              {errorText(item.error)}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
