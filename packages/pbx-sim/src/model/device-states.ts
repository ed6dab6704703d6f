/**
 * Device state as Asterisk aggregates it from a device's channels, and the `DeviceStateChange`
 * events it publishes. Queue pseudo-devices (`Queue:support`, `Queue:support_avail`,
 * `Queue:support_pause_PJSIP/1001`) are published through the same cache.
 *
 * An event goes out only when a device's state differs from the last one published (the
 * device-state cache); the first publication after start always goes out. This matches the
 * recordings for phones and for `Queue:*_avail` within a run (02, 04, 10, 11, 12, 15), though
 * the real cache also depends on history we do not model (06 repeats a state after a reload).
 */
import { event, type SimEvent } from './sim-event.js';

export type DeviceState =
  'UNKNOWN' | 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD';

/** `QueueMemberStatus Status` numbers (ast_device_state enum). */
export const DEVICE_STATE_NUMBER: Readonly<Record<DeviceState, number>> = {
  UNKNOWN: 0,
  NOT_INUSE: 1,
  INUSE: 2,
  BUSY: 3,
  INVALID: 4,
  UNAVAILABLE: 5,
  RINGING: 6,
  RINGINUSE: 7,
  ONHOLD: 8,
};

export class DeviceStateCache {
  readonly #published = new Map<string, DeviceState>();

  get(device: string): DeviceState | undefined {
    return this.#published.get(device);
  }

  /** Returns the event to emit, or undefined when the state did not change. */
  publish(device: string, state: DeviceState): SimEvent | undefined {
    if (this.#published.get(device) === state) return undefined;
    this.#published.set(device, state);
    return event('DeviceStateChange', 'call', ['Device', device, 'State', state]);
  }

  /** Every device's last published state, in order of first publication (DeviceStateList). */
  entries(): Array<[string, DeviceState]> {
    return [...this.#published];
  }

  /** Forgets everything (Asterisk restart). */
  clear(): void {
    this.#published.clear();
  }
}

/** Aggregates a device's channel states the way ast_devstate_aggregate does. */
export function aggregate(parts: { ringing: number; inUse: number; onHold: number }): DeviceState {
  if (parts.ringing > 0 && parts.inUse > 0) return 'RINGINUSE';
  if (parts.ringing > 0) return 'RINGING';
  if (parts.inUse > 0) return 'INUSE';
  if (parts.onHold > 0) return 'ONHOLD';
  return 'NOT_INUSE';
}
