/** A signal that ticks every second, for the timers on screen (time in status, call duration). */
import { signal } from '@preact/signals';

export const now = signal(Date.now());

let started = false;
export function startClock(): void {
  if (started) return;
  started = true;
  const tick = (): void => {
    now.value = Date.now();
    // Aligned to the next whole second so every timer on screen changes together.
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
}
