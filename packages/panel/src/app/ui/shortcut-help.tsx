/** The list of keyboard shortcuts (? opens and closes it). */
import { t } from '../i18n-state.js';
import type { MessageKey } from '../../i18n/i18n.js';

const SHORTCUTS: [string, MessageKey][] = [
  ['R', 'shortcuts.ready'],
  ['P', 'shortcuts.pause'],
  ['L', 'shortcuts.logIn'],
  ['W', 'shortcuts.endWrapUp'],
  ['D', 'shortcuts.dial'],
  ['H', 'shortcuts.hold'],
  ['T', 'shortcuts.transfer'],
  ['X', 'shortcuts.hangUp'],
  ['/', 'shortcuts.contacts'],
  ['Ctrl+Enter', 'shortcuts.saveWrapUp'],
  ['Esc', 'shortcuts.leaveField'],
  ['?', 'shortcuts.help'],
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <div class="popup-layer" onClick={onClose}>
      <section class="card popup shortcut-help" role="dialog" aria-labelledby="shortcut-title">
        <h2 id="shortcut-title">{t('shortcuts.title')}</h2>
        <dl>
          {SHORTCUTS.map(([key, text]) => (
            <>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{t(text)}</dd>
            </>
          ))}
        </dl>
        <button type="button" class="btn btn-plain" onClick={onClose}>
          {t('shortcuts.close')}
        </button>
      </section>
    </div>
  );
}
