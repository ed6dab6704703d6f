/**
 * Call-control actions: Originate (fixtures/ami 06, 07, 09), Hangup (14), and the transfers
 * and Redirect (11, 12, 14), with Asterisk's own error texts.
 */
import { originate, originateExtensionMissing, parseCallerId, type OriginateRequest } from '../../apps/originate.js';
import type { ActionContext } from '../action-context.js';

export async function originateAction(ctx: ActionContext): Promise<void> {
  const channel = ctx.header('Channel');
  if (channel === undefined) {
    ctx.error('Channel not specified');
    return;
  }
  const priorityText = ctx.header('Priority');
  const priority = priorityText === undefined ? undefined : Number(priorityText);
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 1)) {
    ctx.error('Invalid priority');
    return;
  }
  const timeoutText = ctx.header('Timeout');
  const timeoutMs = timeoutText === undefined ? 30_000 : Number(timeoutText);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    ctx.error('Invalid timeout');
    return;
  }
  // Split as manager.c splits every action's Variable headers (man_do_variable_value): several
  // comma-separated assignments per header are allowed, commas inside (...) or quotes are not splits.
  const variables = ctx.variables();
  const callerIdText = ctx.header('CallerID');
  const req: OriginateRequest = {
    channel,
    context: ctx.header('Context'),
    exten: ctx.header('Exten'),
    priority,
    application: ctx.header('Application'),
    data: ctx.header('Data'),
    callerId: callerIdText === undefined ? undefined : parseCallerId(callerIdText),
    timeoutMs,
    variables,
    channelId: ctx.header('ChannelId'),
    actionId: ctx.actionId,
    async: ctx.flag('Async'),
  };
  if (req.channelId !== undefined && ctx.world.channels.has(req.channelId)) {
    ctx.error('Uniqueid already in use');
    return;
  }
  // A missing extension is refused at once even with Async: true (09 d).
  if (originateExtensionMissing(ctx.world, req)) {
    ctx.error('Extension does not exist.');
    return;
  }
  if (req.async) {
    ctx.success('Originate successfully queued');
    originate(ctx.world, req, () => undefined);
    return;
  }
  const outcome = await new Promise<{ ok: boolean }>((resolve) => originate(ctx.world, req, resolve));
  if (outcome.ok) ctx.success('Originate successfully queued');
  else ctx.error('Originate failed');
}

export function hangupAction(ctx: ActionContext): void {
  const name = ctx.header('Channel');
  if (name === undefined) {
    ctx.error('No channel specified');
    return;
  }
  const causeText = ctx.header('Cause');
  const cause = causeText === undefined ? undefined : Number(causeText);
  const world = ctx.world;
  if (name.length > 2 && name.startsWith('/') && name.endsWith('/')) {
    let re: RegExp;
    try {
      re = new RegExp(name.slice(1, -1));
    } catch {
      ctx.error('Invalid regex');
      return;
    }
    const matched = [...world.channels.values()].filter((ch) => re.test(ch.name));
    // A regex Hangup answers with an EventList of the channels it hung up (14).
    ctx.list(
      'Channels hung up will follow',
      matched.map((ch) => ctx.item('ChannelHungup', ['Channel', ch.name])),
      'ChannelsHungupListComplete',
    );
    for (const ch of matched) world.amiHangup(ch, cause);
    return;
  }
  const ch = world.channelByName(name);
  if (!ch) {
    ctx.error('No such channel');
    return;
  }
  // The response comes before the hangup's events (fixtures/ami README, "Originate with auto-answer").
  ctx.success('Channel Hungup');
  world.amiHangup(ch, cause);
}
