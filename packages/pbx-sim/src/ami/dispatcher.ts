/**
 * Routes an AMI action to its handler after Asterisk's checks, in Asterisk's order: logged
 * in (else `Permission denied`), known action (else `Invalid/unknown command` plus a
 * RequestBadFormat security event, 13/14), the user's `write` classes (else `Permission
 * denied` plus RequestNotAllowed, 14).
 *
 * The simulator adds one check of its own: a header value holding a control character is
 * refused (SIM_ERR_AMI_INJECTION in the log), because echoing it into an event would break
 * AMI framing for every other client.
 */
import type { AmiMessage } from '@callgate/ami';
import { SimErrorCode } from '../errors.js';
import type { EventClass } from '../model/sim-event.js';
import type { SimulatedAsterisk } from '../simulated-asterisk.js';
import { ActionContext } from './action-context.js';
import type { AmiSession } from './ami-session.js';
import { hangupAction, originateAction } from './actions/call-actions.js';
import {
  bridgeList,
  command,
  coreSettings,
  coreShowChannels,
  coreStatus,
  getvar,
  setvar,
  status,
} from './actions/core-actions.js';
import { playDtmf } from './actions/dtmf-actions.js';
import { deviceStateList, listCategories, showDialPlan } from './actions/info-actions.js';
import { pjsipNotify } from './actions/notify-actions.js';
import { queueAdd, queuePause, queueRemove, queueStatus, queueSummary } from './actions/queue-actions.js';
import { challenge, events, filter, login, logoff, ping } from './actions/session-actions.js';
import { atxferAction, blindTransferAction, cancelAtxferAction, redirectAction } from './actions/transfer-actions.js';
import { requestBadFormat, requestNotAllowed } from './security-events.js';
import { CONTROL_CHARACTER } from './wire.js';

interface ActionSpec {
  /** manager.c's required write classes; empty: any logged-in user. */
  write: readonly EventClass[];
  run: (ctx: ActionContext) => void | Promise<void>;
}

const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  login: { write: [], run: login },
  challenge: { write: [], run: challenge },
  logoff: { write: [], run: logoff },
  ping: { write: [], run: ping },
  events: { write: [], run: events },
  filter: { write: ['system'], run: filter },
  coresettings: { write: ['system', 'reporting'], run: coreSettings },
  corestatus: { write: ['system', 'reporting'], run: coreStatus },
  coreshowchannels: { write: ['system', 'reporting'], run: coreShowChannels },
  command: { write: ['command'], run: command },
  status: { write: ['system', 'call', 'reporting'], run: status },
  getvar: { write: ['call', 'reporting'], run: getvar },
  setvar: { write: ['call'], run: setvar },
  bridgelist: { write: ['reporting'], run: bridgeList },
  originate: { write: ['originate'], run: originateAction },
  hangup: { write: ['system', 'call'], run: hangupAction },
  redirect: { write: ['call'], run: redirectAction },
  blindtransfer: { write: ['call'], run: blindTransferAction },
  atxfer: { write: ['call'], run: atxferAction },
  cancelatxfer: { write: ['call'], run: cancelAtxferAction },
  playdtmf: { write: ['call'], run: playDtmf },
  // res_pjsip_notify.c: EVENT_FLAG_SYSTEM.
  pjsipnotify: { write: ['system'], run: pjsipNotify },
  // pbx.c registers ShowDialPlan with EVENT_FLAG_CONFIG | EVENT_FLAG_REPORTING.
  showdialplan: { write: ['config', 'reporting'], run: showDialPlan },
  // res_manager_devicestate.c: EVENT_FLAG_CALL | EVENT_FLAG_REPORTING.
  devicestatelist: { write: ['call', 'reporting'], run: deviceStateList },
  listcategories: { write: ['config'], run: listCategories },
  queueadd: { write: ['agent'], run: queueAdd },
  queueremove: { write: ['agent'], run: queueRemove },
  queuepause: { write: ['agent'], run: queuePause },
  queuestatus: { write: [], run: queueStatus },
  queuesummary: { write: [], run: queueSummary },
};

/** Actions allowed before Login. */
const PRE_AUTH = new Set(['login', 'challenge', 'logoff']);

export async function dispatch(pbx: SimulatedAsterisk, session: AmiSession, message: AmiMessage): Promise<void> {
  const ctx = new ActionContext(pbx, session, message);
  for (const [key, value] of message.headers()) {
    if (CONTROL_CHARACTER.test(value) || CONTROL_CHARACTER.test(key)) {
      pbx.log('AMI action refused: control character in a header', {
        code: SimErrorCode.AmiInjection,
        action: ctx.action,
        header: key,
      });
      ctx.error('Invalid header value: control characters are not allowed');
      return;
    }
  }
  const name = ctx.action.toLowerCase();
  const spec = ACTIONS[name];
  if (!session.authenticated && !PRE_AUTH.has(name)) {
    ctx.error('Permission denied');
    return;
  }
  if (!spec) {
    ctx.error(`Invalid/unknown command: ${ctx.action}. Use Action: ListCommands to show available commands.`);
    pbx.emitEvent(requestBadFormat(pbx.now(), session, ctx.action));
    return;
  }
  if (!ctx.allowed(spec.write)) {
    ctx.error('Permission denied');
    pbx.emitEvent(requestNotAllowed(pbx.now(), session, ctx.action));
    return;
  }
  await spec.run(ctx);
}
