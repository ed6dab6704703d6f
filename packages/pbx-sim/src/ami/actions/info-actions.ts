/**
 * Read-only actions `callgate doctor` uses to look at a site:
 * - ShowDialPlan (main/pbx.c manager_show_dialplan): an EventList of `ListDialplan` items, one per
 *   priority, `Did not find context X` for a context that does not exist;
 * - DeviceStateList (res/res_manager_devicestate.c): the device-state cache as
 *   `DeviceStateChange` items (Device, State), no Privilege header, `DeviceStateListComplete`;
 * - ListCategories (main/manager.c action_listcategories): the sections of a config file as
 *   `Category-000000: name` headers, `Config file not found` for any other file.
 */
import {
  dialplanContexts,
  dialplanOf,
  extensionMatches,
  REGISTRAR,
  type DialplanPriority,
} from '../../apps/dialplan-listing.js';
import { configCategories } from '../../model/config-files.js';
import type { ActionContext } from '../action-context.js';

export function showDialPlan(ctx: ActionContext): void {
  const world = ctx.pbx.world;
  const context = ctx.header('Context');
  const extension = ctx.header('Extension');
  let entries: DialplanPriority[] = [];
  if (context !== undefined) {
    const found = dialplanOf(world, context);
    if (found === undefined) {
      ctx.error(`Did not find context ${context}`);
      return;
    }
    entries = found;
  } else {
    for (const c of dialplanContexts(world)) entries.push(...(dialplanOf(world, c) ?? []));
  }
  if (extension !== undefined) {
    entries = entries.filter((e) => extensionMatches(e.extension, extension));
    if (entries.length === 0) {
      ctx.error(
        context !== undefined
          ? `Did not find extension ${extension}@${context}`
          : `Did not find extension ${extension} in any context`,
      );
      return;
    }
  }
  const items = entries.map((e) =>
    ctx.item('ListDialplan', [
      'Context',
      e.context,
      'Extension',
      e.extension,
      'Priority',
      String(e.priority),
      'Application',
      e.application,
      'AppData',
      e.appData,
      'Registrar',
      REGISTRAR,
    ]),
  );
  ctx.list('DialPlan list will follow', items, 'ShowDialPlanComplete', [
    'ListExtensions',
    String(new Set(entries.map((e) => `${e.context}/${e.extension}`)).size),
    'ListPriorities',
    String(entries.length),
    'ListContexts',
    String(new Set(entries.map((e) => e.context)).size),
  ]);
}

export function deviceStateList(ctx: ActionContext): void {
  const items = ctx.pbx.world.devices
    .entries()
    .map(([device, state]) => ctx.item('DeviceStateChange', ['Device', device, 'State', state]));
  ctx.list('Device State Changes will follow', items, 'DeviceStateListComplete');
}

export function listCategories(ctx: ActionContext): void {
  const file = ctx.header('Filename');
  if (file === undefined) {
    ctx.error('Filename not specified');
    return;
  }
  const categories = configCategories(file, ctx.pbx.world.config, ctx.pbx.users);
  if (categories === undefined) {
    ctx.error('Config file not found');
    return;
  }
  const fields: string[] = [];
  categories.forEach((name, i) => fields.push(`Category-${String(i).padStart(6, '0')}`, name));
  if (categories.length === 0) fields.push('Error', 'no categories found');
  ctx.reply('Success', fields);
}
