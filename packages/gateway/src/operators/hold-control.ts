/**
 * Putting a call on hold from the browser. AMI has no action that holds a channel, so there are
 * two ways, chosen per site (`hold.method`, docs/asterisk.md "Hold"):
 *
 * - `phone-notify`: ask the operator's phone to hold, with a SIP NOTIFY inside the call's dialog
 *   (`PJSIPNotify Channel=…`, `Event: hold`; `Event: talk` resumes) — BroadWorks-style remote
 *   control that common desk phones support once allowed. The phone then holds exactly as with
 *   its own key: a re-INVITE a=sendonly, `Hold` on its channel and music for the customer
 *   (recording 10). Asterisk only says the NOTIFY went out, so the command is done when the
 *   engine sees the hold, and fails if the phone does not act within `hold.phoneTimeoutMs`.
 * - `ari`: ARI's channel hold (`POST /ari/channels/{id}/hold`) indicates hold like the phone's
 *   key — but only for channels in a Stasis application; ordinary Queue()/Dial() calls get 409.
 *
 * The AMI-only alternative (Redirect both legs into holding contexts, re-Bridge them later)
 * tears the bridge down (new BridgeUniqueid, split CDRs, no hold shown on the phone), so it is
 * not used (docs/decisions.md).
 */
import { AmiError, AmiErrorCode, actions, type AmiAction, type AmiResult } from '@callgate/ami';
import type { DomainEvent } from '@callgate/contracts';
import { GatewayError, GatewayErrorCode } from '../errors.js';

/** The call to hold, as each method addresses it. */
export interface HoldTarget {
  /** callgate's call id (the engine's domain events carry it). */
  callId: string;
  /** The operator's channel name (AMI). */
  channel: string;
  /** Its Uniqueid (ARI). */
  uniqueid: string;
}

export interface HoldControl {
  readonly available: boolean;
  /** Resolves when the call is held (or the method cannot tell and Asterisk accepted). */
  hold(target: HoldTarget): Promise<void>;
  unhold(target: HoldTarget): Promise<void>;
}

export const noHoldControl: HoldControl = {
  available: false,
  hold: () =>
    Promise.reject(new GatewayError(GatewayErrorCode.HoldUnavailable, 'hold from the browser is not configured here')),
  unhold: () =>
    Promise.reject(new GatewayError(GatewayErrorCode.HoldUnavailable, 'hold from the browser is not configured here')),
};

export interface PhoneNotifyHoldOptions {
  send: (action: AmiAction) => Promise<AmiResult>;
  onDomainEvent: (listener: (event: DomainEvent) => void) => () => void;
  /** How long the phone has to hold or resume after the NOTIFY went out. */
  timeoutMs: number;
}

export function phoneNotifyHoldControl(options: PhoneNotifyHoldOptions): HoldControl {
  const change = (target: HoldTarget, hold: boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        off();
        if (error === undefined) resolve();
        else if (error instanceof AmiError) reject(fromAmi(error));
        else reject(error);
      };
      // Listen before sending: a phone on the LAN can hold before the AMI response arrives.
      const off = options.onDomainEvent((event) => {
        if (!('callId' in event) || event.callId !== target.callId) return;
        if (event.type === (hold ? 'call.held' : 'call.resumed')) finish();
        else if (event.type === 'call.ended') finish(new GatewayError(GatewayErrorCode.UnknownCall, 'the call ended'));
      });
      const timer = setTimeout(
        () =>
          finish(
            new GatewayError(
              GatewayErrorCode.PhoneDidNotHold,
              hold
                ? "your phone did not put the call on hold; use its hold key (the phone's remote control may be off)"
                : "your phone did not resume the call; use its hold key (the phone's remote control may be off)",
            ),
          ),
        options.timeoutMs,
      );
      // BroadWorks remote control: `Event: hold` holds the dialog's call, `Event: talk` resumes it.
      options
        .send(actions.pjsipNotifyChannel(target.channel, { Event: hold ? 'hold' : 'talk' }))
        .catch((error: unknown) => finish(error instanceof Error ? error : new Error(JSON.stringify(error))));
    });
  return { available: true, hold: (t) => change(t, true), unhold: (t) => change(t, false) };
}

function fromAmi(error: AmiError): Error {
  if (error.code === AmiErrorCode.ActionFailed && /permission denied/i.test(error.message)) {
    // PJSIPNotify is in the `system` write class, which the least-privilege user leaves out.
    return new GatewayError(
      GatewayErrorCode.HoldUnavailable,
      "Asterisk refused the hold (the AMI user needs write = system for it); use your phone's hold key",
    );
  }
  return error;
}

export interface AriHoldOptions {
  /** e.g. http://127.0.0.1:8088 */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

export function ariHoldControl(options: AriHoldOptions): HoldControl {
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const call = async (method: 'POST' | 'DELETE', uniqueid: string): Promise<void> => {
    const url = `${options.url.replace(/\/$/, '')}/ari/channels/${encodeURIComponent(uniqueid)}/hold`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: auth },
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
    } catch (error) {
      throw new GatewayError(
        GatewayErrorCode.OutcomeUnknown,
        `ARI did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.status === 404) throw new GatewayError(GatewayErrorCode.UnknownCall, 'the channel is gone');
    if (response.status === 409) {
      // ARI only holds channels inside a Stasis application (res/ari/resource_channels.c);
      // ordinary Queue()/Dial() calls are not (docs/asterisk.md, "Hold").
      throw new GatewayError(
        GatewayErrorCode.HoldUnavailable,
        "this call cannot be held from the browser; use your phone's hold key",
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new GatewayError(GatewayErrorCode.HoldUnavailable, 'ARI refused the gateway credentials');
    }
    if (!response.ok) {
      throw new GatewayError(GatewayErrorCode.AsteriskRefused, `ARI answered ${response.status}`);
    }
  };
  return {
    available: true,
    hold: (target) => call('POST', target.uniqueid),
    unhold: (target) => call('DELETE', target.uniqueid),
  };
}
