/**
 * Click-to-call by hand: the number field (D focuses it), a keypad for the mouse, and the reason
 * a number cannot be dialled before anything is sent.
 */
import { t, tEnum } from '../i18n-state.js';
import type { OperatorStore } from '../operator-store.js';
import { CommandButton } from '../ui/command-button.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '0', '#'];

export function DialPad({ store }: { store: OperatorStore }) {
  const problem = store.dialProblem.value;
  const busy = (store.state.value?.calls.length ?? 0) > 0;
  const send = (): void => {
    if (store.dial(store.dialText.peek())) store.dialText.value = '';
  };
  return (
    <section class="card dial-card" aria-labelledby="dial-title">
      <h2 id="dial-title">{t('dial.title')}</h2>
      <form
        class="dial-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <input
          id="dial-input"
          inputMode="tel"
          autocomplete="off"
          placeholder={t('dial.placeholder')}
          aria-label={t('dial.number')}
          aria-invalid={problem !== null && !problem.ok}
          aria-describedby="dial-problem"
          value={store.dialText.value}
          onInput={(e) => {
            store.dialText.value = e.currentTarget.value;
            store.dialProblem.value = null;
          }}
        />
        <CommandButton kind="primary" entry={store.latest('dial')} onClick={send} disabled={busy}>
          {t('dial.call')}
        </CommandButton>
      </form>
      <p id="dial-problem" class="form-error" role="alert" data-testid="dial-problem">
        {problem !== null && !problem.ok ? tEnum('dial.problem', problem.problem) : ''}
      </p>
      <div class="keypad" aria-hidden="true">
        {KEYS.map((k) => (
          <button
            type="button"
            tabIndex={-1}
            class="key"
            onClick={() => {
              store.dialText.value += k;
              store.dialProblem.value = null;
            }}
          >
            {k}
          </button>
        ))}
      </div>
    </section>
  );
}
