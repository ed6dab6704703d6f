/**
 * A button that sends an operator command and shows how the latest such command went: pending
 * while the gateway has not answered, a tick when done, the reason when it failed. The tick goes
 * after a few seconds and the reason after a while, so an old failure does not hang around. The
 * state is in `data-state` too (tests, styles). Keyboard shortcuts send the same command, so the
 * button shows their outcome as well.
 */
import type { ComponentChildren } from 'preact';
import type { CommandEntry } from '../../client/command-tracker.js';
import { now } from '../clock.js';
import { t } from '../i18n-state.js';
import { errorText } from './error-text.js';

export interface CommandButtonProps {
  /** The latest command of this button's action (and call). */
  entry: CommandEntry | undefined;
  onClick: () => void;
  children: ComponentChildren;
  shortcut?: string;
  kind?: 'primary' | 'danger' | 'plain';
  disabled?: boolean;
  id?: string;
  title?: string;
}

const SHOW_DONE_MS = 3_000;
const SHOW_FAILED_MS = 20_000;

export function commandPhase(entry: CommandEntry | undefined, at: number): 'idle' | CommandEntry['phase'] {
  if (!entry) return 'idle';
  if (entry.settledAt === null) return entry.phase;
  const age = at - entry.settledAt;
  if (entry.phase === 'done' && age > SHOW_DONE_MS) return 'idle';
  if (entry.phase === 'failed' && age > SHOW_FAILED_MS) return 'idle';
  return entry.phase;
}

export function CommandButton(props: CommandButtonProps) {
  const phase = commandPhase(props.entry, now.value);
  const pending = phase === 'sending' || phase === 'accepted';
  return (
    <span class="command">
      <button
        type="button"
        id={props.id}
        title={props.title}
        class={`btn btn-${props.kind ?? 'plain'}`}
        data-state={phase}
        disabled={props.disabled === true || pending}
        aria-busy={pending}
        onClick={props.onClick}
      >
        {props.children}
        {props.shortcut !== undefined && <kbd>{props.shortcut}</kbd>}
        {pending && <span class="spinner" role="status" aria-label={t('command.pending')} />}
        {phase === 'done' && (
          <span class="tick" role="status" aria-label={t('command.done')}>
            ✓
          </span>
        )}
      </button>
      {phase === 'failed' && props.entry && (
        <span class="command-error" role="alert">
          {errorText(props.entry.code, props.entry.message)}
        </span>
      )}
    </span>
  );
}
