/**
 * manager.conf users and their `read`/`write` classes. The defaults are the lab's users
 * (fixtures/ami/asterisk-22.10.1/config/manager.conf): `crm` with read=all, write=all and
 * `crm-limited` with read=call,reporting, write=reporting.
 */
import type { EventClass } from '../model/sim-event.js';

export interface AmiUser {
  username: string;
  secret: string;
  read: ReadonlySet<EventClass>;
  write: ReadonlySet<EventClass>;
}

const ALL: readonly EventClass[] = [
  'system',
  'call',
  'log',
  'verbose',
  'command',
  'agent',
  'user',
  'config',
  'dtmf',
  'reporting',
  'cdr',
  'dialplan',
  'originate',
  'agi',
  'cc',
  'aoc',
  'test',
  'security',
  'message',
];

/** `all`, `call,reporting`, … → the set of classes (`all` expands to every class). */
export function parseClasses(text: string): Set<EventClass> {
  const out = new Set<EventClass>();
  for (const raw of text.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'all') for (const c of ALL) out.add(c);
    else if ((ALL as readonly string[]).includes(name)) out.add(name as EventClass);
  }
  return out;
}

export function amiUser(username: string, secret: string, read = 'all', write = 'all'): AmiUser {
  return { username, secret, read: parseClasses(read), write: parseClasses(write) };
}

export function labUsers(): AmiUser[] {
  return [amiUser('crm', 'crm-secret'), amiUser('crm-limited', 'limited-secret', 'call,reporting', 'reporting')];
}
