/**
 * Read-mostly actions: CoreSettings, CoreStatus, CoreShowChannels, Command, Status, Getvar,
 * Setvar, BridgeList — response headers and list shapes as in fixtures/ami 01, 15 and 16.
 */
import { hms, localDate, localTime, uptimeText } from '../../clock/time-format.js';
import { orUnknown, type Channel } from '../../model/channel.js';
import { bridgeFields, channelFields } from '../../model/sim-event.js';
import { getVar } from '../../apps/dialplan.js';
import type { ActionContext } from '../action-context.js';

export function coreSettings(ctx: ActionContext): void {
  const f = ctx.pbx.world.flavour;
  ctx.reply('Success', [
    'AMIversion',
    f.amiVersion,
    'AsteriskVersion',
    ctx.pbx.world.asteriskVersion,
    'SystemName',
    '',
    'CoreMaxCalls',
    '0',
    'CoreMaxLoadAvg',
    '0.000000',
    'CoreRunUser',
    '',
    'CoreRunGroup',
    '',
    'CoreMaxFilehandles',
    '0',
    'CoreRealTimeEnabled',
    'No',
    'CoreCDRenabled',
    'Yes',
    'CoreHTTPenabled',
    'No',
    'SoundsSearchCustomDir',
    'No',
  ]);
}

export function coreStatus(ctx: ActionContext): void {
  const w = ctx.pbx.world;
  ctx.reply('Success', [
    'CoreStartupDate',
    localDate(w.bootedAt),
    'CoreStartupTime',
    localTime(w.bootedAt),
    'CoreReloadDate',
    localDate(w.reloadedAt),
    'CoreReloadTime',
    localTime(w.reloadedAt),
    'CoreCurrentCalls',
    String(countCalls(ctx)),
    'CoreProcessedCalls',
    String(w.processedCalls),
  ]);
}

function countCalls(ctx: ActionContext): number {
  const linked = new Set<string>();
  for (const ch of ctx.pbx.world.channels.values()) linked.add(ch.linkedid);
  return linked.size;
}

/** Channels in creation order, newest last… except Asterisk lists them by name (15). */
function channelList(ctx: ActionContext): Channel[] {
  return [...ctx.pbx.world.channels.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function coreShowChannels(ctx: ActionContext): void {
  const now = ctx.pbx.now();
  const items = channelList(ctx).map((ch) => {
    const fields = ['Event', 'CoreShowChannel'];
    if (ctx.actionId !== undefined) fields.push('ActionID', ctx.actionId);
    fields.push(
      ...channelFields(ch),
      'Application',
      ch.app,
      'ApplicationData',
      ch.appData,
      'Duration',
      hms((now - ch.createdAt) / 1000),
      'BridgeId',
      ch.bridge?.id ?? '',
    );
    return fields;
  });
  ctx.list('Channels will follow', items, 'CoreShowChannelsComplete');
}

function statusItem(ctx: ActionContext, ch: Channel, variables: readonly string[]): string[] {
  const fields = [
    'Event',
    'Status',
    // Status list items say `Call`, capital C, without `,all` (15).
    'Privilege',
    'Call',
    ...channelFields(ch),
    'Type',
    ch.tech,
    'DNID',
    ch.dnid,
    'EffectiveConnectedLineNum',
    orUnknown(ch.connectedNum),
    'EffectiveConnectedLineName',
    orUnknown(ch.connectedName),
    'TimeToHangup',
    '0',
    'BridgeID',
    ch.bridge?.id ?? '',
    'Application',
    ch.app,
    'Data',
    ch.appData,
    'Nativeformats',
    '(ulaw)',
    'Readformat',
    'ulaw',
    'Readtrans',
    '',
    'Writeformat',
    'ulaw',
    'Writetrans',
    '',
    'Callgroup',
    '0',
    'Pickupgroup',
    '0',
    'Seconds',
    String(Math.floor((ctx.pbx.now() - ch.createdAt) / 1000)),
  ];
  for (const v of variables) {
    const value = readVariable(ctx, ch, v);
    // An unset variable prints as (null) here, unlike Getvar's empty Value (15).
    fields.push('Variable', `${v}=${value === '' ? '(null)' : value}`);
  }
  if (ctx.actionId !== undefined) fields.push('ActionID', ctx.actionId);
  return fields;
}

export function status(ctx: ActionContext): void {
  const name = ctx.header('Channel');
  const variables = (ctx.header('Variables') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  let channels: Channel[];
  if (name === undefined || name.toLowerCase() === 'all') {
    channels = channelList(ctx);
  } else {
    const ch = ctx.pbx.world.channelByName(name);
    if (!ch) {
      ctx.error('No such channel');
      return;
    }
    channels = [ch];
  }
  const items = channels.map((ch) => statusItem(ctx, ch, variables));
  ctx.list('Channel status will follow', items, 'StatusComplete', ['Items', String(items.length)]);
}

/** Channel variables and the dialplan functions a CRM asks for (CALLERID, CONNECTEDLINE, CHANNEL). */
export function readVariable(ctx: ActionContext, ch: Channel, name: string): string {
  const upper = name.toUpperCase();
  switch (upper) {
    case 'CALLERID(NUM)':
      return ch.callerNum;
    case 'CALLERID(NAME)':
      return ch.callerName;
    case 'CALLERID(ALL)':
      return ch.callerName ? `"${ch.callerName}" <${ch.callerNum}>` : ch.callerNum;
    case 'CONNECTEDLINE(NUM)':
      return ch.connectedNum;
    case 'CONNECTEDLINE(NAME)':
      return ch.connectedName;
    case 'CHANNEL':
    case 'CHANNEL(NAME)':
      return ch.name;
    case 'UNIQUEID':
    case 'CHANNEL(UNIQUEID)':
      return ch.uniqueid;
    case 'CHANNEL(LINKEDID)':
      return ch.linkedid;
    case 'EXTEN':
      return ch.exten;
    case 'CONTEXT':
      return ch.context;
    default:
      return getVar(ch, name);
  }
}

export function getvar(ctx: ActionContext): void {
  const variable = ctx.header('Variable');
  if (variable === undefined) {
    ctx.error('No variable specified');
    return;
  }
  const channelName = ctx.header('Channel');
  if (channelName === undefined) {
    ctx.reply('Success', ['Variable', variable, 'Value', ctx.pbx.globals.get(variable) ?? '']);
    return;
  }
  const ch = ctx.pbx.world.channelByName(channelName);
  if (!ch) {
    ctx.error('No such channel');
    return;
  }
  ctx.reply('Success', ['Variable', variable, 'Value', readVariable(ctx, ch, variable)]);
}

export function setvar(ctx: ActionContext): void {
  const variable = ctx.header('Variable');
  if (variable === undefined) {
    ctx.error('No variable specified');
    return;
  }
  const value = ctx.message.get('Value') ?? '';
  const channelName = ctx.header('Channel');
  if (channelName === undefined) {
    ctx.pbx.globals.set(variable, value);
    ctx.success('Variable Set');
    return;
  }
  const ch = ctx.pbx.world.channelByName(channelName);
  if (!ch) {
    ctx.error('No such channel');
    return;
  }
  // The response comes first, then the VarSet (15).
  ctx.success('Variable Set');
  ctx.pbx.world.varSet(ch, variable, value);
}

export function bridgeList(ctx: ActionContext): void {
  const items = [...ctx.pbx.world.bridges.values()].map((b) => ctx.item('BridgeListItem', bridgeFields(b)));
  ctx.list('Bridge listing will follow', items, 'BridgeListComplete');
}

export function command(ctx: ActionContext): void {
  const cmd = (ctx.header('Command') ?? '').trim().replace(/\s+/g, ' ');
  const world = ctx.pbx.world;
  let output: string[];
  if (cmd === 'core show uptime') {
    const now = ctx.pbx.now();
    output = [
      `System uptime: ${uptimeText((now - world.bootedAt) / 1000)}`,
      `Last reload: ${uptimeText((now - world.reloadedAt) / 1000)}`,
    ];
  } else if (cmd === 'core show version') {
    output = [
      `Asterisk ${world.asteriskVersion} built by root @ vm on a x86_64 running Linux on 2026-11-27 15:45:35 UTC`,
    ];
  } else if (cmd === 'core show channels concise') {
    const now = ctx.pbx.now();
    output = channelList(ctx).map((ch) =>
      [
        ch.name,
        ch.context,
        ch.exten,
        ch.priority,
        ch.state === 6 ? 'Up' : ch.state === 5 ? 'Ringing' : ch.state === 4 ? 'Ring' : 'Down',
        ch.app,
        ch.appData,
        ch.callerNum,
        ch.accountCode,
        '',
        3,
        Math.floor((now - ch.createdAt) / 1000),
        ch.bridge?.id ?? '',
        ch.uniqueid,
      ].join('!'),
    );
  } else if (cmd === 'core restart now' || cmd === 'core restart gracefully') {
    ctx.reply('Success', ['Message', 'Command output follows', 'Output', '']);
    ctx.pbx
      .restart()
      .catch((error: unknown) =>
        ctx.pbx.log('restart failed', { error: error instanceof Error ? error.message : String(error) }),
      );
    return;
  } else {
    output = [`No such command '${cmd}' (type 'core show help ${cmd}' for other possible commands)`];
  }
  const fields = ['Message', 'Command output follows'];
  for (const line of output) fields.push('Output', line);
  ctx.reply('Success', fields);
}
