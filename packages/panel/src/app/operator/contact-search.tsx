/** Find a contact at the hub and call one of their numbers (/ focuses the search). */
import { useSignal } from '@preact/signals';
import { t } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { ContactDetails } from './contact-card.js';

export function ContactSearch({ store }: { store: OperatorStore }) {
  const text = useSignal('');
  const result = store.contactSearch.value;
  return (
    <div class="contact-search" data-testid="contact-search">
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          store.searchContacts(text.value);
        }}
      >
        <input
          id="contact-search-input"
          type="search"
          placeholder={t('contacts.placeholder')}
          aria-label={t('contacts.search')}
          value={text.value}
          onInput={(e) => (text.value = e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-plain">
          {t('contacts.search')}
        </button>
      </form>
      {result.phase === 'loading' && <p class="muted">{t('contacts.loading')}</p>}
      {result.phase === 'error' && <p class="notice notice-warn">{t('error.PANEL_ERR_HUB_UNREACHABLE')}</p>}
      {result.phase === 'ready' && result.items.length === 0 && <p class="muted">{t('contacts.none')}</p>}
      <div class="contact-results">
        {result.items.map((contact) => (
          <ContactDetails
            contact={contact}
            onCall={(number) => {
              store.dial(number, contact.externalId ?? undefined);
            }}
          />
        ))}
      </div>
    </div>
  );
}
