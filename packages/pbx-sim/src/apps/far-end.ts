/**
 * The other end of an outgoing SIP leg: an operator's phone or a number behind the trunk.
 * It answers `180 Ringing`, then answers, refuses (486 Busy Here, 503) or rings forever,
 * according to its configured behaviour; the control API can also answer or refuse by hand.
 *
 * Auto-answer: a phone whose INVITE carries the auto-answer header that the deploy docs use
 * (`Call-Info: …;answer-after=0` or `Alert-Info: …autoanswer`) answers after
 * `autoAnswerAfterMs` whatever its mode (SIPp answered in 0.3 s in 06), unless it is busy.
 */
import type { Channel } from '../model/channel.js';
import type { World } from '../model/world.js';
import type { NumberBehaviour, PhoneBehaviour } from '../model/world-config.js';

export interface LegListener {
  /** 180 Ringing arrived. */
  ringing(leg: Channel): void;
  /** 200 OK arrived. */
  answered(leg: Channel): void;
  /** The far end refused before answering: `cause` 17 busy / 34 congestion, `sipCode` 486 / 503. */
  refused(leg: Channel, cause: number, sipCode: number): void;
}

export type FarEnd =
  | { kind: 'phone'; extension: string; behaviour: PhoneBehaviour; autoAnswerHeader: boolean }
  | { kind: 'number'; number: string; behaviour: NumberBehaviour };

interface LegState {
  farEnd: FarEnd;
  listener: LegListener;
  ringing: boolean;
  answered: boolean;
}

const legs = new WeakMap<Channel, LegState>();

/** Sends the INVITE: the far end will ring, then answer or refuse according to its behaviour. */
export function placeCall(world: World, leg: Channel, farEnd: FarEnd, listener: LegListener): void {
  const state: LegState = { farEnd, listener, ringing: false, answered: false };
  legs.set(leg, state);
  world.after(
    world.config.timing.ringingAfterMs,
    () => {
      if (leg.hungUp) return;
      if (refusal(farEnd)) {
        const [cause, code] = refusal(farEnd) as [number, number];
        listener.refused(leg, cause, code);
        return;
      }
      state.ringing = true;
      listener.ringing(leg);
      const delay = answerDelay(world, farEnd);
      if (delay !== undefined) world.after(delay, () => answerLeg(world, leg), leg);
    },
    leg,
  );
}

function refusal(farEnd: FarEnd): [number, number] | undefined {
  const mode = farEnd.behaviour.mode;
  if (mode === 'busy') return [17, 486];
  if (mode === 'unavailable') return [34, 503];
  return undefined;
}

function answerDelay(world: World, farEnd: FarEnd): number | undefined {
  if (farEnd.kind === 'phone') {
    if (farEnd.autoAnswerHeader && farEnd.behaviour.autoAnswer) return farEnd.behaviour.autoAnswerAfterMs;
    if (farEnd.behaviour.mode !== 'answer') return undefined;
    return world.phoneAnswerDelay?.(farEnd.extension) ?? farEnd.behaviour.answerAfterMs;
  }
  return farEnd.behaviour.mode === 'answer' ? farEnd.behaviour.answerAfterMs : undefined;
}

/** The far end answers (the control API's "phone 1001 answers", or its behaviour's timer). */
export function answerLeg(world: World, leg: Channel): boolean {
  const state = legs.get(leg);
  if (!state || !state.ringing || state.answered || leg.hungUp) return false;
  state.answered = true;
  state.listener.answered(leg);
  const hangupAfter = state.farEnd.behaviour.hangupAfterMs;
  if (hangupAfter !== undefined && !leg.hungUp) world.after(hangupAfter, () => world.remoteHangup(leg), leg);
  return true;
}

/** The far end refuses a ringing leg (a phone's Decline / DND button: 486). */
export function rejectLeg(leg: Channel): boolean {
  const state = legs.get(leg);
  if (!state || state.answered || leg.hungUp) return false;
  state.listener.refused(leg, 17, 486);
  return true;
}

export function isRinging(leg: Channel): boolean {
  const state = legs.get(leg);
  return state !== undefined && state.ringing && !state.answered && !leg.hungUp;
}
