/**
 * BlindTransfer (11), Atxfer (12), CancelAtxfer and Redirect (14) with Asterisk's response
 * texts (main/manager.c). The response goes out before the transfer's events, as recorded.
 */
import { attendedTransfer, blindTransfer, cancelAttendedTransfer, redirect } from '../../apps/transfer.js';
import { bridgedCallOf } from '../../apps/bridged-call.js';
import { extensionExists } from '../../apps/dialplan.js';
import type { ActionContext } from '../action-context.js';

function target(ctx: ActionContext): { channelName: string; exten: string; context: string } | undefined {
  const channelName = ctx.header('Channel');
  if (channelName === undefined) {
    ctx.error('No channel specified');
    return undefined;
  }
  const exten = ctx.header('Exten');
  if (exten === undefined) {
    ctx.error('No extension specified');
    return undefined;
  }
  return { channelName, exten, context: ctx.header('Context') ?? ctx.world.config.contexts.internal };
}

export function blindTransferAction(ctx: ActionContext): void {
  const t = target(ctx);
  if (!t) return;
  const ch = ctx.world.channelByName(t.channelName);
  if (!ch) {
    ctx.error('Channel specified does not exist');
    return;
  }
  if (!bridgedCallOf(ch)) {
    ctx.error('Transfer not permitted');
    return;
  }
  if (!extensionExists(ctx.world, t.context, t.exten)) {
    ctx.error('Transfer failed');
    return;
  }
  ctx.success('Transfer succeeded');
  blindTransfer(ctx.world, ch, t.context, t.exten);
}

export function atxferAction(ctx: ActionContext): void {
  const t = target(ctx);
  if (!t) return;
  const ch = ctx.world.channelByName(t.channelName);
  if (!ch) {
    ctx.error('Channel specified does not exist');
    return;
  }
  if (!bridgedCallOf(ch)) {
    ctx.error('Atxfer failed');
    return;
  }
  // The action only queues the feature code and digits; what follows is asynchronous (12).
  ctx.success('Atxfer successfully queued');
  attendedTransfer(ctx.world, ch, t.context, t.exten);
}

/**
 * CancelAtxfer: `No channel specified`, `Channel specified does not exist`, else the abort
 * feature code is queued on the channel whatever it is doing (Asterisk does not check that a
 * transfer is in progress) and `CancelAtxfer successfully queued` answers.
 */
export function cancelAtxferAction(ctx: ActionContext): void {
  const channelName = ctx.header('Channel');
  if (channelName === undefined) {
    ctx.error('No channel specified');
    return;
  }
  const ch = ctx.world.channelByName(channelName);
  if (!ch) {
    ctx.error('Channel specified does not exist');
    return;
  }
  ctx.success('CancelAtxfer successfully queued');
  cancelAttendedTransfer(ctx.world, ch);
}

export function redirectAction(ctx: ActionContext): void {
  const channelName = ctx.header('Channel');
  if (channelName === undefined) {
    ctx.error('Channel not specified');
    return;
  }
  const ch = ctx.world.channelByName(channelName);
  if (!ch) {
    ctx.error(`Channel does not exist: ${channelName}`);
    return;
  }
  const exten = ctx.header('Exten');
  const context = ctx.header('Context') ?? ctx.world.config.contexts.internal;
  if (exten === undefined || !extensionExists(ctx.world, context, exten)) {
    ctx.error('Extension does not exist.');
    return;
  }
  if (ctx.header('ExtraChannel') !== undefined) {
    ctx.error('Redirect with ExtraChannel is not simulated by pbx-sim');
    return;
  }
  if (!bridgedCallOf(ch)) {
    ctx.error('Redirect failed');
    return;
  }
  ctx.success('Redirect successful');
  redirect(ctx.world, ch, context, exten);
}
