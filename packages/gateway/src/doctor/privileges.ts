/**
 * Which AMI write privileges the gateway's user has, found by harmless probes: actions that
 * Asterisk refuses with `Permission denied` without the privilege, and that do nothing with it
 * (an Originate without Channel, a Hangup of a channel that does not exist…; recording 14
 * shows both answers). Pure: the caller sends the probes and passes Asterisk's answers.
 */
import type { AmiAction } from '@callgate/ami';

export type Privilege = 'originate' | 'call' | 'agent' | 'reporting' | 'command' | 'system' | 'config';

export interface PrivilegeProbe {
  privilege: Privilege;
  /** Needed by callgate (missing = fail) or more than it needs (present = warning). */
  needed: boolean;
  action: AmiAction;
}

const PROBE_CHANNEL = 'PJSIP/callgate-doctor-probe-0000';

export const PRIVILEGE_PROBES: readonly PrivilegeProbe[] = [
  // "Channel not specified" when allowed (14); nothing is dialled.
  {
    privilege: 'originate',
    needed: true,
    action: { action: 'Originate', headers: { Exten: 's', Context: 'callgate-doctor-probe' } },
  },
  // "No such channel" when allowed (14).
  { privilege: 'call', needed: true, action: { action: 'Hangup', headers: { Channel: PROBE_CHANNEL } } },
  // "Interface not found" when allowed (13).
  {
    privilege: 'agent',
    needed: true,
    action: { action: 'QueuePause', headers: { Interface: PROBE_CHANNEL, Paused: false } },
  },
  { privilege: 'reporting', needed: true, action: { action: 'CoreStatus' } },
  // Excess: any CLI command; `core show uptime` only reads.
  { privilege: 'command', needed: false, action: { action: 'Command', headers: { Command: 'core show uptime' } } },
  // Excess: `system` also allows Reload, ModuleLoad and Restart. A filter on our own session is harmless.
  {
    privilege: 'system',
    needed: false,
    action: { action: 'Filter', headers: { Operation: 'Add', Filter: '!Event: CallgateDoctorProbe' } },
  },
  // Excess: `config` allows reading every config file (secrets included) and writing them.
  {
    privilege: 'config',
    needed: false,
    action: { action: 'ListCategories', headers: { Filename: 'callgate-doctor-probe.conf' } },
  },
];

/** What Asterisk answered a probe: `ok` (Success), or the error message. */
export type ProbeAnswer = { ok: true } | { ok: false; message: string };

export function hasPrivilege(answer: ProbeAnswer): boolean {
  // Any answer but "Permission denied" means Asterisk let the action through its check; an
  // action this Asterisk does not have (module not loaded) cannot be used either way.
  return answer.ok || !/permission denied|invalid\/unknown command/i.test(answer.message);
}

export const RECOMMENDED_READ = 'read = call,agent,system,dialplan';

/** What the site's configuration makes callgate send beyond the base set. */
export interface PrivilegeNeeds {
  /** `hold.method: phone-notify` sends PJSIPNotify, which is in the `system` write class. */
  phoneNotifyHold: boolean;
}

const isNeeded = (probe: PrivilegeProbe, needs: PrivilegeNeeds): boolean =>
  probe.needed || (probe.privilege === 'system' && needs.phoneNotifyHold);

/** The manager.conf `write` line for this site. */
export function recommendedWrite(needs: PrivilegeNeeds): string {
  return `write = originate,call,agent,reporting${needs.phoneNotifyHold ? ',system' : ''}`;
}

export interface PrivilegeVerdict {
  missing: Privilege[];
  excess: Privilege[];
}

export function judgePrivileges(
  answers: ReadonlyMap<Privilege, ProbeAnswer>,
  needs: PrivilegeNeeds = { phoneNotifyHold: false },
): PrivilegeVerdict {
  const missing: Privilege[] = [];
  const excess: Privilege[] = [];
  for (const probe of PRIVILEGE_PROBES) {
    const answer = answers.get(probe.privilege);
    if (!answer) continue;
    const has = hasPrivilege(answer);
    const needed = isNeeded(probe, needs);
    if (needed && !has) missing.push(probe.privilege);
    if (!needed && has) excess.push(probe.privilege);
  }
  return { missing, excess };
}
