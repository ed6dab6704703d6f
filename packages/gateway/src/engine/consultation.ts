/**
 * The consultation of an attended transfer, as the operators on it see it (`call.consulting`).
 *
 * Recording 12 (AMI `Atxfer`): Asterisk plays the feature code into the transferer's channel,
 * raises `Hold` on it, moves it out of the customer's bridge into a new one with
 * `Local/<exten>@<context>-…;1`, and the `;2` half dials the colleague's phone. The transferer's
 * segment stays open while they are away (segments.ts), so nothing in the record changes; but
 * their panel must learn that they are now consulting, not just holding, and the colleague's
 * panel that they answered a consultation. Both steps are reported here, after the segments
 * of the call have been reconciled:
 * - the transferer is away from the customer: `call.consulting`, with the colleague when known
 *   (an operator leg joined to the transferer's through the consultation's bridges and Local
 *   pair, or while it still rings, the extension the consultation's Local channel runs);
 * - the colleague answers: `call.consulting` again, now naming them (only news is reported:
 *   a colleague who declines ends their own offer, and the transferer stays consulting);
 * - the transferer comes back to the customer without transferring (the colleague declined,
 *   the transfer was cancelled): `call.held` if the customer is still on hold, else
 *   `call.resumed`, so their panel leaves the consultation.
 * A completed transfer ends the transferer's segment instead (`call.transferred`).
 */
import { localExtension } from './channel-name.js';
import { emitBase, type StepContext } from './context.js';
import { connectedOperatorLegs } from './segments.js';
import type { Call, EngineState, Segment } from './state.js';

export function reportConsultations(ctx: StepContext, call: Call): void {
  for (const segment of call.segments) {
    if (segment.endedAt !== undefined) continue;
    if (segment.away) reportAway(ctx, call, segment);
    else if (segment.consultation !== undefined) reportBack(ctx, call, segment);
  }
}

/** How much is known of a consultation: nothing, whom it calls, that they answered. */
function rank(c: { colleague: string | null; answered: boolean }): number {
  return c.answered ? 2 : c.colleague !== null ? 1 : 0;
}

function reportAway(ctx: StepContext, call: Call, segment: Segment): void {
  const { operatorId, answered } = consultedColleague(ctx.state, segment);
  const now = { colleague: operatorId, answered };
  // Only news is reported: the transferer leaving the consultation bridge to complete the
  // transfer (12: `HangupRequest`, `BridgeLeave`, then `Hangup`) must not read as "nobody".
  if (segment.consultation !== undefined && rank(now) <= rank(segment.consultation)) return;
  segment.consultation = now;
  ctx.events.push({
    type: 'call.consulting',
    ...emitBase(ctx),
    callId: call.callId,
    operatorId: segment.operatorId,
    colleagueOperatorId: operatorId,
  });
}

function reportBack(ctx: StepContext, call: Call, segment: Segment): void {
  segment.consultation = undefined;
  ctx.events.push({
    type: segment.heldSince === undefined ? 'call.resumed' : 'call.held',
    ...emitBase(ctx),
    callId: call.callId,
    operatorId: segment.operatorId,
  });
}

/** Who the away operator is consulting: an operator who answered, else the one being called. */
function consultedColleague(state: EngineState, segment: Segment): { operatorId: string | null; answered: boolean } {
  const leg = state.channels.get(segment.channel);
  if (!leg) return { operatorId: null, answered: false };
  for (const id of connectedOperatorLegs(state, leg)) {
    const operatorId = state.channels.get(id)?.operatorId;
    if (operatorId !== undefined && operatorId !== segment.operatorId) return { operatorId, answered: true };
  }
  // Still ringing: the consultation's Local channel says which extension it dials (12).
  const bridge = leg.bridgeId === undefined ? undefined : state.bridges.get(leg.bridgeId);
  for (const id of bridge?.channels ?? []) {
    const ch = state.channels.get(id);
    const exten = ch === undefined ? undefined : localExtension(ch.name);
    const colleague = exten === undefined ? undefined : state.config.byExtension.get(exten);
    if (colleague && colleague.id !== segment.operatorId) return { operatorId: colleague.id, answered: false };
  }
  return { operatorId: null, answered: false };
}
