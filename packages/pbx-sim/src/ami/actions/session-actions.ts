/**
 * Session actions: Login (plain and MD5 challenge), Challenge, Logoff, Ping, Events, Filter.
 * Shapes from fixtures/ami 01 (login ok and fail), 14 (Ping without ActionID) and the AMI
 * client's own expectations (FullyBooted after login for users who read `system`).
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { epochSeconds, pingTimestamp } from '../../clock/time-format.js';
import { event, type EventClass } from '../../model/sim-event.js';
import type { ActionContext } from '../action-context.js';
import { parseClasses } from '../ami-users.js';
import { invalidAccountId, invalidPassword, successfulAuth } from '../security-events.js';

/** A failed login is answered after about a second, then the server closes (01). */
export const FAILED_LOGIN_DELAY_MS = 1000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseMask(text: string | undefined): Set<EventClass> | 'off' | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'on' || t === 'yes' || t === 'true' || t === 'all') return undefined;
  if (t === 'off' || t === 'no' || t === 'false' || t === '') return 'off';
  return parseClasses(t);
}

export async function login(ctx: ActionContext): Promise<void> {
  const { pbx, session } = ctx;
  if (session.authenticated) {
    ctx.success('Already authenticated');
    return;
  }
  const username = ctx.header('Username') ?? '';
  const user = pbx.users.find((u) => u.username === username);
  const md5 = (ctx.header('AuthType') ?? '').toLowerCase() === 'md5';
  let ok = false;
  if (user) {
    if (md5) {
      const key = ctx.header('Key') ?? '';
      const expected = createHash('md5')
        .update((session.challenge ?? '') + user.secret)
        .digest('hex');
      ok = session.challenge !== undefined && sameText(key.toLowerCase(), expected);
    } else {
      ok = sameText(ctx.header('Secret') ?? '', user.secret);
    }
  }
  session.challenge = undefined;
  if (!user || !ok) {
    pbx.emitEvent(
      user ? invalidPassword(pbx.now(), session, username) : invalidAccountId(pbx.now(), session, username),
    );
    await pbx.sleep(FAILED_LOGIN_DELAY_MS);
    ctx.error('Authentication failed');
    session.end();
    return;
  }
  session.user = user;
  session.mask = parseMask(ctx.header('Events'));
  ctx.success('Authentication accepted');
  if (session.reads('system')) {
    const uptime = epochSeconds(pbx.now()) - epochSeconds(pbx.world.bootedAt);
    const reload = epochSeconds(pbx.now()) - epochSeconds(pbx.world.reloadedAt);
    session.send(
      event('FullyBooted', 'system', ['Uptime', String(uptime), 'LastReload', String(reload), 'Status', 'Fully Booted'])
        .fields,
    );
  }
  // SuccessfulAuth comes after FullyBooted, to every session reading security (01, 14).
  pbx.emitEvent(successfulAuth(pbx.now(), session, user.username));
}

export function challenge(ctx: ActionContext): void {
  if ((ctx.header('AuthType') ?? '').toLowerCase() !== 'md5') {
    ctx.error('Must specify AuthType');
    return;
  }
  ctx.session.challenge ??= String(randomInt(100_000_000, 999_999_999));
  ctx.reply('Success', ['Challenge', ctx.session.challenge]);
}

export function logoff(ctx: ActionContext): void {
  ctx.reply('Goodbye', ['Message', 'Thanks for all the fish.']);
  ctx.session.end();
}

export function ping(ctx: ActionContext): void {
  ctx.reply('Success', ['Ping', 'Pong', 'Timestamp', pingTimestamp(Math.round(ctx.pbx.world.asteriskNow()))]);
}

export function events(ctx: ActionContext): void {
  const mask = parseMask(ctx.header('EventMask') ?? 'off');
  ctx.session.mask = mask;
  ctx.reply('Success', ['Events', mask === 'off' ? 'Off' : 'On']);
}

/**
 * Filter, main/manager.c action_filter: only `Operation: Add` exists (anything else, or none,
 * is `Unknown operation`); success answers `Message: Success`. The legacy form `[!]regex`, and
 * of the Asterisk 20.x/22 `MatchCriteria` only `name(Event)` and `action(include|exclude)`
 * (`header()`/`method()` are refused as badly formatted: not simulated).
 */
export function filter(ctx: ActionContext): void {
  const op = (ctx.header('Operation') ?? '').toLowerCase();
  if (op !== 'add') {
    ctx.error('Unknown operation');
    return;
  }
  const built = buildFilter(ctx.header('Filter') ?? '', ctx.header('MatchCriteria'));
  if (!built.ok) {
    ctx.error(built.message);
    return;
  }
  (built.exclude ? ctx.session.denyFilters : ctx.session.allowFilters).push(built.re);
  ctx.success('Success');
}

const FORMAT_ERROR = 'Filter was formatted incorrectly.  Check the syntax of the filter given.';

type BuiltFilter = { ok: true; re: RegExp; exclude: boolean } | { ok: false; message: string };

function buildFilter(text: string, criteria: string | undefined): BuiltFilter {
  let exclude = text.startsWith('!');
  const pattern = exclude ? text.slice(1) : text;
  let eventName: string | undefined;
  if (criteria !== undefined) {
    for (const option of criteria.split(',').map((o) => o.trim())) {
      const m = /^(\w+)\((.*)\)$/.exec(option);
      if (!m) return { ok: false, message: FORMAT_ERROR };
      const [, key, value] = m;
      if (key === 'action' && (value === 'include' || value === 'exclude')) exclude = value === 'exclude';
      else if (key === 'name' && value !== undefined && value !== '') eventName = value;
      else return { ok: false, message: FORMAT_ERROR };
    }
  } else if (pattern === '') {
    // A legacy filter must have a pattern.
    return { ok: false, message: FORMAT_ERROR };
  }
  try {
    new RegExp(pattern);
  } catch {
    return { ok: false, message: 'Filter did not compile.  Check the syntax of the filter given.' };
  }
  const named =
    eventName === undefined ? '' : `(?=[\\s\\S]*^Event: ${eventName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r?$)`;
  // Asterisk compiles the legacy pattern without REG_NEWLINE: `^` is the start of the event.
  const re = named === '' ? new RegExp(pattern) : new RegExp(`^${named}[\\s\\S]*${pattern}`, 'm');
  return { ok: true, re, exclude };
}
