/**
 * An operator's phone receiving a NOTIFY inside the dialog of one of its calls (AMI
 * PJSIPNotify with `Channel`): BroadWorks remote control, as Yealink and Polycom phones
 * implement it when enabled. `Event: hold` makes the phone put its call on hold itself and
 * `Event: talk` resume it, with a re-INVITE a=sendonly / a=sendrecv, so Asterisk raises
 * exactly what the phone's hold key raises (recording 10, ./hold.ts): `Hold` on the phone's
 * own channel, music and ONHOLD for the other party; `Unhold` and the music stopping.
 *
 * The phone ignores the NOTIFY when the call is not bridged (still ringing, in a transfer),
 * already in the asked state, or the Event is one it does not know. A phone without the
 * feature (`remoteHold: false`) answers 489 Bad Event and does nothing. Asterisk raises no
 * AMI event for the NOTIFY itself in any case.
 */
import type { Channel } from '../model/channel.js';
import type { World } from '../model/world.js';
import { bridgedCallOf, peerIn } from './bridged-call.js';
import { hold, unhold } from './hold.js';

/** From the NOTIFY to the phone's re-INVITE: a phone's reaction time. */
export const REMOTE_HOLD_REACTION_MS = 150;

/** What the phone does with the NOTIFY, decided when it arrives. */
export type NotifyReaction =
  /** Not one of our phones (the trunk, a customer): whatever it does raises nothing. */
  | 'not-a-phone'
  /** The phone has remote control off: 489 Bad Event. */
  | 'refused'
  /** No `Event` header, or one the phone does not act on. */
  | 'unknown-event'
  /** The call is not bridged, or already held / talking. */
  | 'ignored'
  /** The phone will hold or resume after REMOTE_HOLD_REACTION_MS. */
  | 'hold'
  | 'talk';

/**
 * Delivers an in-dialog NOTIFY with `headers` (in order, as Asterisk adds them) to the far end
 * of `ch`. Only the first `Event` counts: res_pjsip_notify.c adds one Event header at most.
 */
export function deliverNotify(
  world: World,
  ch: Channel,
  headers: ReadonlyArray<readonly [string, string]>,
): NotifyReaction {
  const phone = world.phoneByInterface(ch.device);
  if (!phone || ch.role === 'inbound') return 'not-a-phone';
  if (!phone.behaviour.remoteHold) return 'refused';
  const eventHeader = headers.find(([name]) => name.trim().toLowerCase() === 'event');
  // `Event: hold;id=1` names the package before any parameter; compared case-insensitively.
  const eventType = (eventHeader?.[1] ?? '').split(';')[0]?.trim().toLowerCase();
  if (eventType !== 'hold' && eventType !== 'talk') return 'unknown-event';
  const wanted = eventType === 'hold';
  if (!canSwitch(ch, wanted)) return 'ignored';
  // Owned by the channel: a hang-up before the phone reacts cancels it (World.destroyChannel).
  world.after(
    REMOTE_HOLD_REACTION_MS,
    () => {
      // The call may have changed meanwhile (transfer, the other side held it): check again.
      if (!canSwitch(ch, wanted)) return;
      if (wanted) hold(world, ch);
      else unhold(world, ch);
    },
    ch,
  );
  return eventType;
}

/** Whether `ch` is answered, bridged and its peer not yet in the wanted hold state. */
function canSwitch(ch: Channel, toHeld: boolean): boolean {
  if (ch.hungUp || !ch.isUp) return false;
  const call = bridgedCallOf(ch);
  if (!call) return false;
  return peerIn(call, ch).onHold !== toHeld;
}
