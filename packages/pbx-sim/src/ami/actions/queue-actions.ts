/**
 * Queue actions: QueueAdd, QueueRemove, QueuePause, QueueStatus, QueueSummary, with the
 * response texts and list shapes of fixtures/ami 13 and 15.
 */
import { addMember, pauseMember, removeMember } from '../../model/queue-admin.js';
import { orUnknown } from '../../model/channel.js';
import { queueMemberItem, queueParamsItem, type SimQueue } from '../../model/queues.js';
import type { ActionContext } from '../action-context.js';

export function queueAdd(ctx: ActionContext): void {
  const queue = ctx.header('Queue');
  const iface = ctx.header('Interface');
  if (queue === undefined || iface === undefined) {
    ctx.error("'Queue' and 'Interface' not set.");
    return;
  }
  const penalty = Number(ctx.header('Penalty') ?? '0');
  const memberName = ctx.header('MemberName');
  const stateInterface = ctx.header('StateInterface');
  const reason = ctx.header('Reason');
  const result = addMember(ctx.world, queue, {
    interface: iface,
    penalty: Number.isInteger(penalty) && penalty >= 0 ? penalty : 0,
    paused: ctx.flag('Paused'),
    ...(memberName !== undefined ? { memberName } : {}),
    ...(stateInterface !== undefined ? { stateInterface } : {}),
    ...(reason !== undefined ? { reason } : {}),
  });
  if (result === 'ok') ctx.success('Added interface to queue');
  else if (result === 'exists') ctx.error('Unable to add interface: Already there');
  else ctx.error('Unable to add interface to queue: No such queue');
}

export function queueRemove(ctx: ActionContext): void {
  const queue = ctx.header('Queue');
  const iface = ctx.header('Interface');
  if (queue === undefined || iface === undefined) {
    ctx.error('Need both Queue and Interface parameters.');
    return;
  }
  const result = removeMember(ctx.world, queue, iface);
  if (result === 'ok') ctx.success('Removed interface from queue');
  else if (result === 'not-there') ctx.error('Unable to remove interface: Not there');
  else if (result === 'not-dynamic') ctx.error('Member not dynamic');
  else ctx.error('Unable to remove interface from queue: No such queue');
}

export function queuePause(ctx: ActionContext): void {
  const iface = ctx.header('Interface');
  const pausedText = ctx.header('Paused');
  if (iface === undefined || pausedText === undefined) {
    ctx.error("Need 'Interface' and 'Paused' parameters.");
    return;
  }
  const paused = ctx.flag('Paused');
  // Response first, then the pause events (13).
  const queue = ctx.header('Queue');
  const found = [...ctx.world.queues.values()].some(
    (q) => (queue === undefined || q.name === queue) && q.member(iface) !== undefined,
  );
  if (!found) {
    ctx.error('Interface not found');
    return;
  }
  ctx.success(paused ? 'Interface paused successfully' : 'Interface unpaused successfully');
  pauseMember(ctx.world, iface, paused, ctx.header('Reason') ?? '', queue);
}

function selectedQueues(ctx: ActionContext): SimQueue[] {
  const name = ctx.header('Queue');
  return [...ctx.world.queues.values()].filter((q) => name === undefined || q.name === name);
}

export function queueStatus(ctx: ActionContext): void {
  const member = ctx.header('Member');
  const now = ctx.pbx.now();
  const items: string[][] = [];
  for (const q of selectedQueues(ctx)) {
    items.push(queueParamsItem(q, ctx.actionId));
    for (const m of q.members) {
      if (member !== undefined && m.interface !== member && m.name !== member) continue;
      items.push(queueMemberItem(q, m, ctx.actionId));
    }
    q.callers.forEach((c, i) => {
      const ch = c.caller;
      const fields = [
        'Event',
        'QueueEntry',
        'Queue',
        q.name,
        'Position',
        String(i + 1),
        'Channel',
        ch.name,
        'Uniqueid',
        ch.uniqueid,
        'CallerIDNum',
        orUnknown(ch.callerNum),
        'CallerIDName',
        orUnknown(ch.callerName),
        'ConnectedLineNum',
        orUnknown(ch.connectedNum),
        'ConnectedLineName',
        orUnknown(ch.connectedName),
        'Wait',
        String(Math.floor((now - c.joinedAt) / 1000)),
        'Priority',
        '0',
      ];
      if (ctx.actionId !== undefined) fields.push('ActionID', ctx.actionId);
      items.push(fields);
    });
  }
  ctx.list('Queue status will follow', items, 'QueueStatusComplete');
}

export function queueSummary(ctx: ActionContext): void {
  const now = ctx.pbx.now();
  const items = selectedQueues(ctx).map((q) => {
    const loggedIn = q.members.filter((m) => m.status !== 5 && m.status !== 4).length;
    const available = q.members.filter((m) => !m.paused && (m.status === 1 || m.status === 0)).length;
    const longest = q.callers.reduce((max, c) => Math.max(max, now - c.joinedAt), 0);
    const fields = [
      'Event',
      'QueueSummary',
      'Queue',
      q.name,
      'LoggedIn',
      String(loggedIn),
      'Available',
      String(available),
      'Callers',
      String(q.callers.length),
      'HoldTime',
      String(q.holdtime),
      'TalkTime',
      String(q.talktime),
      'LongestHoldTime',
      String(Math.floor(longest / 1000)),
    ];
    if (ctx.actionId !== undefined) fields.push('ActionID', ctx.actionId);
    return fields;
  });
  ctx.list('Queue summary will follow', items, 'QueueSummaryComplete');
}
