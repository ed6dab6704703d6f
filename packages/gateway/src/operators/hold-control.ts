/**
 * Putting a call on hold from the browser. AMI has no action that holds a channel; the only
 * AMI-only way is to Redirect both legs out of their bridge into holding contexts and re-bridge
 * them later, which tears down the bridge (new BridgeUniqueid, split CDRs, the phone shows no
 * hold). ARI's channel hold (`POST /ari/channels/{id}/hold`) indicates hold on the operator's
 * channel exactly as the phone's own hold key does (recording 10) — but only for channels in a
 * Stasis application; Asterisk answers 409 for ordinary Queue()/Dial() calls. So this works at
 * sites with ARI-driven call flows; elsewhere operators use the phone's hold key, which callgate
 * tracks either way (docs/asterisk.md, "Hold").
 */
import { GatewayError, GatewayErrorCode } from '../errors.js';

export interface HoldControl {
  readonly available: boolean;
  hold(channelUniqueid: string): Promise<void>;
  unhold(channelUniqueid: string): Promise<void>;
}

export const noHoldControl: HoldControl = {
  available: false,
  hold: () =>
    Promise.reject(new GatewayError(GatewayErrorCode.HoldUnavailable, 'hold from the browser is not configured here')),
  unhold: () =>
    Promise.reject(new GatewayError(GatewayErrorCode.HoldUnavailable, 'hold from the browser is not configured here')),
};

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
    hold: (uniqueid) => call('POST', uniqueid),
    unhold: (uniqueid) => call('DELETE', uniqueid),
  };
}
