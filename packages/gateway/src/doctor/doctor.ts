/**
 * `callgate doctor`: connects to the site's real Asterisk (and hub) with the gateway's own
 * configuration and says, in plain words, what is wrong and how to fix it. Every check is
 * read-only or a probe that does nothing (see privileges.ts).
 */
import net from 'node:net';
import { AmiClient, AmiError, AmiErrorCode, actions, type AmiAction, type AmiMessage } from '@callgate/ami';
import type { SiteConfig } from '@callgate/contracts';
import { loadHubKeys } from '../auth/hub-keys.js';
import type { LoadedSiteConfig } from '../config/index.js';
import { affectingAdvisories, parseAsteriskVersion } from './advisories.js';
import {
  judgePrivileges,
  PRIVILEGE_PROBES,
  RECOMMENDED_READ,
  recommendedWrite,
  type Privilege,
  type ProbeAnswer,
} from './privileges.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in plain words. */
  detail: string;
  /** What to do about it (with the exact config line where there is one). */
  fix?: string;
}

export interface DoctorReport {
  checks: CheckResult[];
  /** True when no check failed (warnings allowed). */
  ok: boolean;
}

export interface DoctorOptions {
  timeoutMs?: number;
  ariPassword?: string;
  now?: () => number;
}

/** Clock difference beyond which timestamps in records disagree visibly. */
const CLOCK_WARN_MS = 2_000;

function tcpReachable(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: { ok: true } | { ok: false; reason: string }): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, reason: error.code ?? error.message }));
  });
}

async function probe(client: AmiClient, action: AmiAction, timeoutMs: number): Promise<ProbeAnswer> {
  try {
    await client.send(action, { timeoutMs });
    return { ok: true };
  } catch (error) {
    if (error instanceof AmiError && error.code === AmiErrorCode.ActionFailed)
      return { ok: false, message: error.message };
    throw error;
  }
}

export async function runDoctor(loaded: LoadedSiteConfig, options: DoctorOptions = {}): Promise<DoctorReport> {
  const { config } = loaded;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const checks: CheckResult[] = [];
  const add = (c: CheckResult): void => {
    checks.push(c);
  };
  const report = (): DoctorReport => ({ checks, ok: checks.every((c) => c.status !== 'fail') });
  const { host, port, username } = config.ami;

  await checkHubKeys(config, add);

  const reach = await tcpReachable(host, port, timeoutMs);
  if (!reach.ok) {
    add({
      id: 'ami-reachable',
      title: 'AMI reachable',
      status: 'fail',
      detail: `cannot connect to AMI at ${host}:${port} (${reach.reason})`,
      fix: `Is Asterisk running? manager.conf [general] needs enabled = yes, port = ${port} and a bindaddr this host can reach (127.0.0.1 when the gateway runs on the Asterisk host).`,
    });
    return report();
  }
  add({ id: 'ami-reachable', title: 'AMI reachable', status: 'ok', detail: `${host}:${port} accepts connections` });

  const client = new AmiClient({
    host,
    port,
    username,
    secret: loaded.amiSecret,
    auth: config.ami.auth,
    tls: config.ami.tls,
    reconnect: false,
    keepaliveIntervalMs: 0,
    connectTimeoutMs: timeoutMs,
    greetingTimeoutMs: timeoutMs,
    actionTimeoutMs: timeoutMs,
    actionIdPrefix: 'callgate-doctor',
  });
  let booted = false;
  client.on('state', (state) => {
    if (state === 'booted') booted = true;
  });
  client.start();
  try {
    try {
      const info = await client.ready(timeoutMs * 2);
      add({ id: 'ami-login', title: 'AMI login', status: 'ok', detail: `logged in as ${username} (${info.greeting})` });
    } catch {
      const cause = client.lastError;
      const refused = cause instanceof AmiError && cause.code === AmiErrorCode.LoginFailed;
      add({
        id: 'ami-login',
        title: 'AMI login',
        status: 'fail',
        detail: refused
          ? `Asterisk refused the login of user ${username}`
          : `no AMI session: ${cause?.message ?? 'connection closed before login'}`,
        fix: refused
          ? `The first line of ${config.ami.secretFile} must equal "secret" in manager.conf section [${username}], and its permit/deny must allow this host.`
          : 'The port answers but does not speak AMI as expected: check ami.host/ami.port (5038 by default; 5039 with TLS, then set ami.tls: true).',
      });
      return report();
    }

    await checkVersion(client, timeoutMs, add);
    await checkPrivileges(client, config, timeoutMs, booted, add);
    await checkDialplan(client, config, timeoutMs, add);
    await checkEndpoints(client, config, timeoutMs, add);
    await checkPhoneHold(client, config, timeoutMs, add);
    await checkClock(client, timeoutMs, now, add);
  } finally {
    await client.stop();
  }
  await checkHub(config, now, timeoutMs, add);
  await checkAri(config, options.ariPassword, timeoutMs, add);
  return report();
}

async function checkHubKeys(config: SiteConfig, add: (c: CheckResult) => void): Promise<void> {
  try {
    const keys = await loadHubKeys(config.dataDir, config.hub.publicKeyFile);
    add({
      id: 'hub-keys',
      title: 'Hub token keys',
      status: 'ok',
      detail: `${keys.keys.length} hub public key(s) known`,
    });
  } catch (error) {
    add({
      id: 'hub-keys',
      title: 'Hub token keys',
      status: 'fail',
      detail: error instanceof Error ? error.message : String(error),
      fix: "Set hub.publicKeyFile to the hub's JWKS (GET https://<hub>/.well-known/jwks.json), or link the gateway to the hub once with hub.url.",
    });
  }
}

async function checkVersion(client: AmiClient, timeoutMs: number, add: (c: CheckResult) => void): Promise<void> {
  const settings = await client.send(actions.coreSettings(), { timeoutMs });
  const version = settings.response.get('AsteriskVersion') ?? '';
  const ami = settings.response.get('AMIversion') ?? '';
  const parsed = parseAsteriskVersion(version);
  const affected = affectingAdvisories(version);
  if (affected.length > 0) {
    add({
      id: 'asterisk-version',
      title: 'Asterisk version',
      status: 'fail',
      detail: `Asterisk ${version} has AMI security advisories: ${affected.map((a) => `${a.id} (${a.summary})`).join('; ')}`,
      fix: `Upgrade Asterisk to a fixed release: ${affected.map((a) => Object.values(a.fixedIn).join(', ') + ` or ${a.fixedSinceMajor}+`).join('; ')}.`,
    });
  } else if (!parsed || (parsed[0] ?? 0) < 20) {
    add({
      id: 'asterisk-version',
      title: 'Asterisk version',
      status: 'warn',
      detail: `Asterisk ${version || 'of unknown version'} (AMI ${ami}): callgate is tested with Asterisk 20 and 22 LTS`,
      fix: 'Plan an upgrade to Asterisk 20 or 22 LTS.',
    });
  } else {
    add({
      id: 'asterisk-version',
      title: 'Asterisk version',
      status: 'ok',
      detail: `Asterisk ${version} (AMI ${ami}); no known AMI advisory`,
    });
  }
}

async function checkPrivileges(
  client: AmiClient,
  config: SiteConfig,
  timeoutMs: number,
  booted: boolean,
  add: (c: CheckResult) => void,
): Promise<void> {
  const answers = new Map<Privilege, ProbeAnswer>();
  for (const p of PRIVILEGE_PROBES) answers.set(p.privilege, await probe(client, p.action, timeoutMs));
  const needs = { phoneNotifyHold: config.hold.method === 'phone-notify' };
  const write = recommendedWrite(needs);
  const { missing, excess } = judgePrivileges(answers, needs);
  if (missing.length > 0) {
    add({
      id: 'ami-write',
      title: 'AMI write privileges',
      status: 'fail',
      detail: `the AMI user lacks ${missing.join(', ')}: ${missing.map(explainMissing).join('; ')}`,
      fix: `In manager.conf, in the user's section: ${write}`,
    });
  } else if (excess.length > 0) {
    add({
      id: 'ami-write',
      title: 'AMI write privileges',
      status: 'warn',
      detail: `the AMI user has more than callgate needs: ${excess.map(explainExcess).join('; ')}`,
      fix: `In manager.conf, in the user's section: ${write}`,
    });
  } else {
    add({
      id: 'ami-write',
      title: 'AMI write privileges',
      status: 'ok',
      detail: needs.phoneNotifyHold
        ? 'originate, call, agent, reporting and system (for hold from the browser); nothing more'
        : 'originate, call, agent and reporting; nothing more',
    });
  }
  // Read classes cannot be listed over AMI; FullyBooted after login proves `system`.
  add(
    booted
      ? {
          id: 'ami-read',
          title: 'AMI read privileges',
          status: 'ok',
          detail: 'system events arrive (FullyBooted); call, agent and dialplan cannot be checked over AMI',
          fix: `Make sure manager.conf has: ${RECOMMENDED_READ}`,
        }
      : {
          id: 'ami-read',
          title: 'AMI read privileges',
          status: 'fail',
          detail:
            'no FullyBooted after login: the user cannot read system events (Asterisk restarts would go unnoticed)',
          fix: `In manager.conf, in the user's section: ${RECOMMENDED_READ}`,
        },
  );
}

function explainMissing(p: Privilege): string {
  switch (p) {
    case 'originate':
      return 'originate (click-to-call)';
    case 'call':
      return 'call (hang up, transfer, DTMF)';
    case 'agent':
      return 'agent (log in/out, ready/paused, wrap-up)';
    case 'reporting':
      return 'reporting (resynchronisation after a restart)';
    case 'system':
      return 'system (PJSIPNotify, for hold from the browser with hold.method phone-notify)';
    default:
      return p;
  }
}

function explainExcess(p: Privilege): string {
  switch (p) {
    case 'command':
      return 'command (any CLI command)';
    case 'system':
      return 'system (Reload, ModuleLoad, Restart)';
    case 'config':
      return 'config (read and write every config file, secrets included)';
    default:
      return p;
  }
}

async function checkDialplan(
  client: AmiClient,
  config: SiteConfig,
  timeoutMs: number,
  add: (c: CheckResult) => void,
): Promise<void> {
  const contexts = [...new Set([config.dialing.originateContext, config.dialing.internalContext])];
  const missing: string[] = [];
  for (const context of contexts) {
    try {
      await client.send({ action: 'ShowDialPlan', headers: { Context: context } }, { timeoutMs });
    } catch (error) {
      if (error instanceof AmiError && error.code === AmiErrorCode.ActionFailed) {
        if (/permission denied|invalid\/unknown command/i.test(error.message)) {
          add({
            id: 'dialplan',
            title: 'Dialplan contexts',
            status: 'skipped',
            detail: `cannot read the dialplan over AMI: ${error.message}`,
          });
          return;
        }
        missing.push(context);
        continue;
      }
      throw error;
    }
  }
  add(
    missing.length > 0
      ? {
          id: 'dialplan',
          title: 'Dialplan contexts',
          status: 'fail',
          detail: `context(s) ${missing.join(', ')} do not exist in the dialplan`,
          fix: 'Add them to extensions.conf as in docs/asterisk.md (click-to-call and transfers dial into them), or fix dialing.originateContext / dialing.internalContext.',
        }
      : { id: 'dialplan', title: 'Dialplan contexts', status: 'ok', detail: `${contexts.join(', ')} exist` },
  );
}

async function checkEndpoints(
  client: AmiClient,
  config: SiteConfig,
  timeoutMs: number,
  add: (c: CheckResult) => void,
): Promise<void> {
  let states: Map<string, string>;
  try {
    const result = await client.send({ action: 'DeviceStateList' }, { timeoutMs });
    states = new Map(
      result.items.map((m: AmiMessage) => [(m.get('Device') ?? '').toLowerCase(), m.get('State') ?? '']),
    );
  } catch (error) {
    if (error instanceof AmiError && error.code === AmiErrorCode.ActionFailed) {
      add({
        id: 'endpoints',
        title: 'Operator phones',
        status: 'skipped',
        detail: `cannot list device states: ${error.message}`,
      });
      return;
    }
    throw error;
  }
  const down = config.operators.filter((op) => {
    const state = states.get(op.endpoint.toLowerCase());
    return state === undefined || state === 'UNAVAILABLE' || state === 'INVALID' || state === 'UNKNOWN';
  });
  add(
    down.length > 0
      ? {
          id: 'endpoints',
          title: 'Operator phones',
          status: 'warn',
          detail: `${down.length} of ${config.operators.length} phones not registered: ${down
            .map((op) => `${op.extension} (${op.endpoint})`)
            .join(', ')}`,
          fix: 'These operators cannot take or make calls until their phones register; check the phones and the endpoint names in operators[].endpoint.',
        }
      : {
          id: 'endpoints',
          title: 'Operator phones',
          status: 'ok',
          detail: `all ${config.operators.length} phones registered`,
        },
  );
}

async function checkClock(
  client: AmiClient,
  timeoutMs: number,
  now: () => number,
  add: (c: CheckResult) => void,
): Promise<void> {
  const sentAt = now();
  const pong = await client.send(actions.ping(), { timeoutMs });
  const receivedAt = now();
  const asteriskMs = Number(pong.response.get('Timestamp') ?? NaN) * 1000;
  if (!Number.isFinite(asteriskMs)) {
    add({ id: 'clock-asterisk', title: 'Clock (Asterisk)', status: 'skipped', detail: 'Asterisk sent no timestamp' });
    return;
  }
  const skew = asteriskMs - (sentAt + receivedAt) / 2;
  add(
    Math.abs(skew) > CLOCK_WARN_MS
      ? {
          id: 'clock-asterisk',
          title: 'Clock (Asterisk)',
          status: 'warn',
          detail: `Asterisk's clock is ${(skew / 1000).toFixed(1)} s off this host's`,
          fix: 'Run NTP (chrony or systemd-timesyncd) on both hosts.',
        }
      : {
          id: 'clock-asterisk',
          title: 'Clock (Asterisk)',
          status: 'ok',
          detail: `within ${Math.round(Math.abs(skew))} ms`,
        },
  );
}

/** The hub's HTTP base from its uplink URL (wss://hub.example.com/uplink → https://hub.example.com). */
function hubHttpBase(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  return u.origin;
}

async function checkHub(
  config: SiteConfig,
  now: () => number,
  timeoutMs: number,
  add: (c: CheckResult) => void,
): Promise<void> {
  if (config.hub.url === undefined) {
    add({ id: 'hub', title: 'Hub', status: 'skipped', detail: 'no hub.url: this gateway runs standalone' });
    return;
  }
  const base = hubHttpBase(config.hub.url);
  let response: Response;
  try {
    response = await fetch(`${base}/.well-known/jwks.json`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    add({
      id: 'hub',
      title: 'Hub',
      status: 'fail',
      detail: `cannot reach the hub at ${base} (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)})`,
      fix: 'Check hub.url, DNS and the firewall between the site and the hub. Telephony keeps working meanwhile; records wait in the outbox.',
    });
    return;
  }
  const date = Date.parse(response.headers.get('date') ?? '');
  const jwks = response.ok ? ((await response.json()) as { keys?: Array<{ kid?: string }> }) : undefined;
  const hubKids = new Set((jwks?.keys ?? []).map((k) => k.kid));
  let localKids: Set<string | undefined> = new Set();
  try {
    localKids = new Set((await loadHubKeys(config.dataDir, config.hub.publicKeyFile)).keys.map((k) => k.kid));
  } catch {
    // Reported by the hub-keys check.
  }
  const unknown = [...hubKids].filter((kid) => !localKids.has(kid));
  if (!response.ok || hubKids.size === 0) {
    add({
      id: 'hub',
      title: 'Hub',
      status: 'fail',
      detail: `the hub at ${base} answered ${response.status} for its keys`,
      fix: 'Check that hub.url points at a callgate hub.',
    });
  } else if (unknown.length > 0) {
    add({
      id: 'hub',
      title: 'Hub',
      status: 'warn',
      detail: `the hub signs with key(s) this gateway does not know yet: ${unknown.join(', ')}`,
      fix: 'They arrive over the uplink once it connects; until then operators whose tokens use them are refused. Or refresh hub.publicKeyFile from /.well-known/jwks.json.',
    });
  } else {
    add({
      id: 'hub',
      title: 'Hub',
      status: 'ok',
      detail: `${base} reachable; its ${hubKids.size} key(s) are known here`,
    });
  }
  if (Number.isFinite(date)) {
    const skew = date - now();
    if (Math.abs(skew) > 30_000) {
      add({
        id: 'clock-hub',
        title: 'Clock (hub)',
        status: 'fail',
        detail: `the hub's clock is ${(skew / 1000).toFixed(0)} s off this host's: tokens would be refused as expired or not yet valid`,
        fix: 'Run NTP on both hosts.',
      });
    } else {
      add({
        id: 'clock-hub',
        title: 'Clock (hub)',
        status: 'ok',
        detail: `within ${Math.round(Math.abs(skew) / 1000)} s (HTTP Date resolution)`,
      });
    }
  }
}

/**
 * hold.method phone-notify needs AMI's PJSIPNotify (res_pjsip_notify). A PJSIPNotify without a
 * target sends nothing: Asterisk answers that it needs one when the action exists and is allowed.
 */
async function checkPhoneHold(
  client: AmiClient,
  config: SiteConfig,
  timeoutMs: number,
  add: (c: CheckResult) => void,
): Promise<void> {
  if (config.hold.method !== 'phone-notify') return;
  const title = 'Hold from the browser (phones asked to hold)';
  const answer = await probe(client, { action: 'PJSIPNotify', headers: {} }, timeoutMs);
  const message = answer.ok ? '' : answer.message;
  if (/requires either an endpoint name/i.test(message)) {
    add({
      id: 'phone-hold',
      title,
      status: 'ok',
      detail:
        'Asterisk sends the NOTIFY (PJSIPNotify); each phone must allow remote control (Event: hold / talk), which only a call can show',
    });
  } else if (/permission denied/i.test(message)) {
    add({
      id: 'phone-hold',
      title,
      status: 'fail',
      detail: 'the AMI user may not send PJSIPNotify (write class system): the hold button will fail',
      fix: `In manager.conf, in the user's section: ${recommendedWrite({ phoneNotifyHold: true })}`,
    });
  } else {
    add({
      id: 'phone-hold',
      title,
      status: 'fail',
      detail: `Asterisk has no PJSIPNotify action (${message || 'it answered Success'}): res_pjsip_notify is not loaded`,
      fix: 'Load res_pjsip_notify.so (modules.conf), or set hold.method: none.',
    });
  }
}

async function checkAri(
  config: SiteConfig,
  password: string | undefined,
  timeoutMs: number,
  add: (c: CheckResult) => void,
): Promise<void> {
  if (config.hold.method !== 'ari') {
    add({
      id: 'ari',
      title: 'Hold from the browser (ARI)',
      status: 'skipped',
      detail:
        config.hold.method === 'phone-notify'
          ? 'not used: the phones are asked to hold (phone-notify)'
          : "not configured: operators hold with the phone's key",
    });
    return;
  }
  const url = `${config.hold.ariUrl.replace(/\/$/, '')}/ari/asterisk/info`;
  try {
    const response = await fetch(url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${config.hold.ariUsername ?? ''}:${password ?? ''}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    add(
      response.ok
        ? {
            id: 'ari',
            title: 'Hold from the browser (ARI)',
            status: 'ok',
            detail: `ARI answers at ${config.hold.ariUrl}`,
          }
        : {
            id: 'ari',
            title: 'Hold from the browser (ARI)',
            status: 'fail',
            detail: `ARI answered ${response.status}`,
            fix: 'Check ari.conf (user, password, read_only = no) and hold.ariUsername / hold.ariPasswordFile.',
          },
    );
  } catch (error) {
    add({
      id: 'ari',
      title: 'Hold from the browser (ARI)',
      status: 'fail',
      detail: `ARI unreachable at ${config.hold.ariUrl}: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Enable http.conf (enabled = yes, bindaddr = 127.0.0.1) and ari.conf as in docs/asterisk.md.',
    });
  }
}

/** The report as people read it: one line per check, then the fixes. */
export function formatReport(report: DoctorReport): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: '--  ' };
  const lines = report.checks.map((c) => `${mark[c.status]}  ${c.title}: ${c.detail}`);
  const fixes = report.checks.filter((c) => (c.status === 'fail' || c.status === 'warn') && c.fix);
  if (fixes.length > 0) {
    lines.push('', 'What to do:');
    for (const c of fixes) lines.push(`- ${c.title}: ${c.fix}`);
  }
  lines.push('', report.ok ? 'No blocking problem found.' : 'Problems found: fix the FAIL lines above.');
  return `${lines.join('\n')}\n`;
}
