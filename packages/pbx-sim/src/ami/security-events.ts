/**
 * The security events Asterisk raises for AMI sessions (fixtures/ami 01, 13, 14): broadcast to
 * every session whose user reads `security`, with the headers in Asterisk's order.
 */
import { eventTv } from '../clock/time-format.js';
import { event, type SimEvent } from '../model/sim-event.js';
import type { AmiSession } from './ami-session.js';

function base(now: number, severity: string, version: string): string[] {
  return ['EventTV', eventTv(now), 'Severity', severity, 'Service', 'AMI', 'EventVersion', version];
}

export function successfulAuth(now: number, s: AmiSession, username: string): SimEvent {
  return event('SuccessfulAuth', 'security', [
    ...base(now, 'Informational', '1'),
    'AccountID',
    username,
    'SessionID',
    s.sessionId,
    'LocalAddress',
    s.localAddress,
    'RemoteAddress',
    s.remoteAddress,
    'UsingPassword',
    '0',
    'SessionTV',
    eventTv(s.openedAt),
  ]);
}

export function invalidPassword(now: number, s: AmiSession, username: string): SimEvent {
  return event('InvalidPassword', 'security', [
    ...base(now, 'Error', '2'),
    'AccountID',
    username,
    'SessionID',
    s.sessionId,
    'LocalAddress',
    s.localAddress,
    'RemoteAddress',
    s.remoteAddress,
    // Asterisk prints an unset session time for a login that never succeeded (01).
    'SessionTV',
    '1970-01-01T00:00:00.000+0000',
  ]);
}

export function invalidAccountId(now: number, s: AmiSession, username: string): SimEvent {
  return event('InvalidAccountID', 'security', [
    ...base(now, 'Error', '1'),
    'AccountID',
    username,
    'SessionID',
    s.sessionId,
    'LocalAddress',
    s.localAddress,
    'RemoteAddress',
    s.remoteAddress,
    'SessionTV',
    '1970-01-01T00:00:00.000+0000',
  ]);
}

export function requestBadFormat(now: number, s: AmiSession, action: string): SimEvent {
  const fields = [
    ...base(now, 'Error', '1'),
    'SessionID',
    s.sessionId,
    'LocalAddress',
    s.localAddress,
    'RemoteAddress',
    s.remoteAddress,
    'RequestType',
    `Action: ${action}`,
    'SessionTV',
    eventTv(s.openedAt),
  ];
  if (s.user) fields.push('AccountID', s.user.username);
  return event('RequestBadFormat', 'security', fields);
}

export function requestNotAllowed(now: number, s: AmiSession, action: string): SimEvent {
  return event('RequestNotAllowed', 'security', [
    ...base(now, 'Error', '1'),
    'AccountID',
    s.user?.username ?? '',
    'SessionID',
    s.sessionId,
    'LocalAddress',
    s.localAddress,
    'RemoteAddress',
    s.remoteAddress,
    'RequestType',
    `Action: ${action}`,
    'SessionTV',
    eventTv(s.openedAt),
  ]);
}
