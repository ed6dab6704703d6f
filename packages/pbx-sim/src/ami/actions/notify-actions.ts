/**
 * PJSIPNotify (res/res_pjsip_notify.c manager_notify, registered with EVENT_FLAG_SYSTEM):
 * sends a SIP NOTIFY to an endpoint's contacts, to a URI, or inside the dialog of a channel,
 * its headers and body from `Variable: name=value` lines. Exactly one of Endpoint, URI and
 * Channel, else:
 *
 * - more than one: `PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.
 *   You must use only one of them.` (two spaces after the first period, as in the source);
 * - none: `PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.`
 *
 * Channel: `Channel not found` when no channel has that name (or Uniqueid, as
 * ast_channel_get_by_name also matches), when it is not a PJSIP channel (a chan_sip `SIP/…`
 * or `Local/…` one), or when its INVITE session is not at least early (a leg not ringing yet).
 * Endpoint: a leading `sip/` then `pjsip/` is stripped (case-insensitive); an unknown one gets
 * `Unable to retrieve endpoint <name>`. URI: always sent. Success in every mode: `NOTIFY sent`,
 * and no AMI event — only what the far end does afterwards raises any (../../apps/remote-hold.ts).
 *
 * Left out: `Option` (a pjsip_notify.conf section) is accepted and ignored — the simulated
 * Asterisk has no pjsip_notify.conf, so such a NOTIFY carries no Event the phone acts on.
 * An endpoint or URI NOTIFY is out of dialog: the simulated phones do nothing with it.
 */
import { deliverNotify } from '../../apps/remote-hold.js';
import { ChannelState } from '../../model/channel.js';
import type { ActionContext } from '../action-context.js';

const ONE_TARGET = 'PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.';

export function pjsipNotify(ctx: ActionContext): void {
  const endpoint = ctx.header('Endpoint');
  const uri = ctx.header('URI');
  const channel = ctx.header('Channel');
  const targets = [endpoint, uri, channel].filter((t) => t !== undefined).length;
  if (targets > 1) {
    ctx.error(`${ONE_TARGET}  You must use only one of them.`);
    return;
  }
  if (endpoint !== undefined) notifyEndpoint(ctx, endpoint);
  else if (uri !== undefined) ctx.success('NOTIFY sent');
  else if (channel !== undefined) notifyChannel(ctx, channel);
  else ctx.error(ONE_TARGET);
}

function notifyEndpoint(ctx: ActionContext, name: string): void {
  let endpoint = name;
  if (endpoint.toLowerCase().startsWith('sip/')) endpoint = endpoint.slice(4);
  if (endpoint.toLowerCase().startsWith('pjsip/')) endpoint = endpoint.slice(6);
  const world = ctx.world;
  // PJSIP endpoints are the phones and the trunk; chan_sip's peers are not PJSIP endpoints.
  const known = world.flavour.tech === 'PJSIP' && (world.phones.has(endpoint) || endpoint === world.config.trunk.name);
  if (!known) {
    ctx.error(`Unable to retrieve endpoint ${endpoint}`);
    return;
  }
  // Sent to each registered contact, out of dialog; none registered still answers "sent".
  ctx.success('NOTIFY sent');
}

function notifyChannel(ctx: ActionContext, name: string): void {
  const world = ctx.world;
  const ch = world.channelByName(name) ?? world.channels.get(name);
  // push_notify_channel: a PJSIP channel whose INVITE session is early or later, not ended.
  if (!ch || ch.hungUp || ch.tech !== 'PJSIP' || ch.state === ChannelState.Down) {
    ctx.error('Channel not found');
    return;
  }
  const headers = ctx.variables();
  ctx.success('NOTIFY sent');
  const reaction = deliverNotify(world, ch, headers);
  if (reaction === 'refused') {
    ctx.pbx.log('phone refused a remote-control NOTIFY (remoteHold is off): 489 Bad Event', { channel: ch.name });
  }
}
