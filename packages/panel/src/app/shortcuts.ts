/**
 * Keyboard shortcuts for the frequent actions. A shortcut never fires while the operator types
 * in a field (notes, numbers), and never with Ctrl/Alt/Meta (the browser's own shortcuts).
 * Each one clicks the same button the mouse would, so the button shows how it went.
 */
export interface Shortcut {
  key: string;
  /** Returns false when the action does not apply now (nothing happens then). */
  run: () => boolean | void;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return type !== 'checkbox' && type !== 'radio' && type !== 'button' && type !== 'submit';
}

export function bindShortcuts(shortcuts: readonly Shortcut[]): () => void {
  const onKey = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (event.key === 'Escape' && isTyping(event.target)) {
      (event.target as HTMLElement).blur();
      return;
    }
    if (isTyping(event.target)) return;
    const shortcut = shortcuts.find((s) => s.key === event.key.toLowerCase() || s.key === event.key);
    if (!shortcut) return;
    if (shortcut.run() !== false) event.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}

/** Clicks a button by id if it is there and enabled. */
export function clickById(id: string): boolean {
  const element = document.getElementById(id);
  if (!(element instanceof HTMLButtonElement) || element.disabled) return false;
  element.click();
  return true;
}

export function focusById(id: string): boolean {
  const element = document.getElementById(id);
  if (!(element instanceof HTMLElement)) return false;
  element.focus();
  return true;
}
