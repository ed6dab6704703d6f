/**
 * The CRM card for a caller's number: name, company, notes and the last calls, or "unknown
 * number" with a short form to create the contact. Looked up at the hub with the operator's
 * session; while the hub is unreachable the card says so and telephony goes on.
 */
import { useSignal } from '@preact/signals';
import type { Contact } from '@callgate/contracts';
import { HubRequestError } from '../../client/hub-client.js';
import { formatDateTime, formatSeconds } from '../../i18n/format.js';
import { locale, t, tEnum } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { errorText } from '../ui/error-text.js';

export function ContactCard({ store, number }: { store: OperatorStore; number: string | null }) {
  if (number === null || number === '') return <p class="muted">{t('contact.noNumber')}</p>;
  const lookup = store.contacts.value.get(number);
  if (!lookup || lookup.phase === 'loading') {
    return (
      <div class="contact-card is-loading" data-testid="contact-card" data-phase="loading">
        {t('contact.loading')}
      </div>
    );
  }
  if (lookup.phase === 'error') {
    return (
      <div class="contact-card" data-testid="contact-card" data-phase="error">
        <p class="notice notice-warn">{errorText(lookup.code)}</p>
      </div>
    );
  }
  if (lookup.phase === 'unknown') return <UnknownNumber store={store} number={number} />;
  return (
    <div class="contact-card" data-testid="contact-card" data-phase="found">
      {lookup.contacts.map((c) => (
        <ContactDetails contact={c} />
      ))}
      {lookup.recent.length > 0 && (
        <div class="recent-calls">
          <h4>{t('contact.lastCalls')}</h4>
          <ul>
            {lookup.recent.map((call) => (
              <li>
                <span>{formatDateTime(call.record.startedAt, locale.value)}</span>{' '}
                <span class="muted">
                  {tEnum('direction', call.record.direction)} · {tEnum('outcome', call.record.outcome)} ·{' '}
                  {formatSeconds(call.record.talkSeconds)}
                </span>
                {call.disposition && (
                  <span class="tag">
                    {call.disposition.label}
                    {call.disposition.notes !== '' && <span class="muted"> — {call.disposition.notes}</span>}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function ContactDetails({ contact, onCall }: { contact: Contact; onCall?: (number: string) => void }) {
  return (
    <div class="contact" data-contact-id={contact.id}>
      <div class="contact-name" data-testid="contact-name">
        {contact.name}
      </div>
      {contact.company !== '' && <div class="contact-company">{contact.company}</div>}
      {onCall && (
        <ul class="contact-phones">
          {contact.phones.map((p) => (
            <li>
              <span class="phone">{p.number}</span>
              {p.label !== '' && <span class="muted"> {p.label}</span>}{' '}
              <button type="button" class="btn btn-small btn-primary" onClick={() => onCall(p.number)}>
                {t('contact.call')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {contact.notes !== '' && <p class="contact-notes">{contact.notes}</p>}
    </div>
  );
}

function UnknownNumber({ store, number }: { store: OperatorStore; number: string }) {
  const open = useSignal(false);
  const name = useSignal('');
  const company = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await store.createContact(name.value.trim(), company.value.trim(), number);
    } catch (e) {
      error.value = errorText(e instanceof HubRequestError ? e.code : null, e instanceof Error ? e.message : null);
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="contact-card" data-testid="contact-card" data-phase="unknown">
      <p>
        <strong>{t('contact.unknown')}</strong>{' '}
        {!open.value && (
          <button type="button" class="link" onClick={() => (open.value = true)}>
            {t('contact.create')}
          </button>
        )}
      </p>
      {open.value && (
        <form class="inline-form" onSubmit={(e) => void save(e)}>
          <input
            required
            placeholder={t('contact.name')}
            aria-label={t('contact.name')}
            value={name.value}
            onInput={(e) => (name.value = e.currentTarget.value)}
          />
          <input
            placeholder={t('contact.company')}
            aria-label={t('contact.company')}
            value={company.value}
            onInput={(e) => (company.value = e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-primary btn-small" disabled={busy.value}>
            {t('contact.save')}
          </button>
          {error.value !== null && (
            <span class="form-error" role="alert">
              {error.value}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
