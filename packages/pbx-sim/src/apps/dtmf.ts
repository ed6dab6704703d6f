/**
 * DTMF that AMI puts on a channel (apps/app_senddtmf.c manager_play_dtmf, main/channel.c):
 *
 * - sent (PlayDTMF's default): `ast_senddigit_external` hands the digit to the channel driver,
 *   which sends it to the far end (RFC 4733). It bypasses `ast_write`, where DTMF events are
 *   raised, so Asterisk reports nothing on AMI; the far end hears it (`digitsSent`).
 * - received (PlayDTMF `Receive: yes`, and the feature codes Atxfer/CancelAtxfer queue): a DTMF
 *   END frame queued on the channel, as if its far end had pressed the key. `__ast_read` raises
 *   `DTMFEnd` `Direction: Received` with the frame's duration (0 when none: recording 12), and
 *   CEL `DTMF`. A bridged channel reads it with END_DTMF_ONLY set, so no `DTMFBegin`; the digit
 *   passes into the bridge (its duration raised to the 80 ms minimum, "DTMF end passthrough")
 *   and `ast_write` to the peer raises `DTMFEnd` `Direction: Sent` there; the peer's far end
 *   hears it.
 */
import type { Channel } from '../model/channel.js';
import { channelFields, event } from '../model/sim-event.js';
import type { World } from '../model/world.js';

/** `option_dtmfminduration` (asterisk.conf `mindtmfduration`, AST_MIN_DTMF_DURATION). */
export const MIN_DTMF_DURATION_MS = 80;

/** `AST_DEFAULT_EMULATE_DTMF_DURATION`: the least time `ast_senddigit_external` plays a digit. */
export const DEFAULT_DTMF_DURATION_MS = 100;

/** Digits AMI's PlayDTMF and SendDTMF() accept. */
export const DTMF_DIGIT = /^[0-9A-Da-d*#]$/;

/** Sends one digit to the channel's far end; returns how long Asterisk takes to play it. */
export function sendDigit(ch: Channel, digit: string, durationMs: number): number {
  ch.digitsSent += digit;
  return Math.max(durationMs, DEFAULT_DTMF_DURATION_MS);
}

/**
 * A digit as if received from the channel's far end. `passThrough: false` when a feature hook
 * takes it (the Atxfer and CancelAtxfer codes never reach the other party).
 */
export function receiveDigit(world: World, ch: Channel, digit: string, durationMs: number, passThrough = true): void {
  world.emit(
    event('DTMFEnd', 'dtmf', [
      ...channelFields(ch),
      'Digit',
      digit,
      'DurationMs',
      String(durationMs),
      'Direction',
      'Received',
    ]),
  );
  world.cel(ch, 'DTMF', JSON.stringify({ digit, duration_ms: durationMs }));
  const peer = passThrough ? ch.bridge?.peerOf(ch) : undefined;
  if (!peer) return;
  const passed = Math.max(durationMs, MIN_DTMF_DURATION_MS);
  world.emit(
    event('DTMFEnd', 'dtmf', [
      ...channelFields(peer),
      'Digit',
      digit,
      'DurationMs',
      String(passed),
      'Direction',
      'Sent',
    ]),
  );
  peer.digitsSent += digit;
}
