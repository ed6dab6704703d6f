/**
 * A real hub on a real database (SQLite file or PostgreSQL schema) listening on an OS-chosen
 * port, with a clock the test moves, and small HTTP helpers. Passwords use a cheap scrypt cost.
 */
import { parseHubConfig, type HubConfig, type LoginResponse } from '@callgate/contracts';
import { Writable } from 'node:stream';
import { hubLogger, startHub, type Hub, type StartHubOptions } from '../../src/hub.js';
import { openDatabase, type Engine } from '../../src/db/open-database.js';
import { newTestDatabaseTarget, sweepLeftovers } from './engines.js';

export const TEST_SCRYPT = { log2N: 10, r: 8, p: 1 };
export const T0 = Date.parse('2026-11-27T09:00:00.000Z');

export class ManualClock {
  now = T0;
  readonly fn = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** Everything the hub logged, as parsed JSON lines. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestHub {
  hub: Hub;
  url: string;
  clock: ManualClock;
  logs: LogCapture;
  config: HubConfig;
  close(): Promise<void>;
}

export async function startTestHub(
  engine: Engine,
  configOverrides: Record<string, unknown> = {},
  options: Partial<StartHubOptions> = {},
): Promise<TestHub> {
  await sweepLeftovers();
  const target = newTestDatabaseTarget(engine);
  const parsed = parseHubConfig({
    listen: { host: '127.0.0.1', port: 0 },
    passwords: { minLength: 8 },
    panelDir: '/nonexistent/panel-dist',
    ...configOverrides,
  });
  if (!parsed.ok) throw parsed.error;
  const config = parsed.value;
  const database = await openDatabase({ url: target.url, ...(target.schema ? { schema: target.schema } : {}) });
  const clock = new ManualClock();
  const logs = new LogCapture();
  const hub = await startHub({
    config,
    database,
    clock: clock.fn,
    passwordCost: TEST_SCRYPT,
    // The production logger, writing into the capture: tests see what operators' log files would hold.
    logger: hubLogger(config, logs),
    webhookPollMs: 50,
    ...options,
  });
  return {
    hub,
    url: hub.url,
    clock,
    logs,
    config,
    async close() {
      await hub.close();
      await database.close();
      await target.cleanup();
    },
  };
}

export interface Credentials {
  token?: string;
  cookie?: string;
  csrf?: string;
  site?: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP request with real fetch; the body is JSON unless a string (sent as is). */
export async function api<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { as?: Credentials; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const as = options.as ?? {};
  if (as.token !== undefined) headers.authorization = `Bearer ${as.token}`;
  if (as.site !== undefined) headers.authorization = `Site ${as.site}`;
  if (as.cookie !== undefined) headers.cookie = as.cookie;
  if (as.csrf !== undefined) headers['x-csrf-token'] = as.csrf;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export interface LoggedIn extends Credentials {
  token: string;
  cookie: string;
  csrf: string;
  login: LoginResponse;
}

export async function login(url: string, username: string, password: string): Promise<LoggedIn> {
  const r = await api<LoginResponse>(url, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  const setCookie = r.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  return { token: r.body.token.token, cookie, csrf: r.body.session.csrfToken, login: r.body };
}

export const PASSWORD = 'correct horse battery';

/**
 * The standard world: sites tallinn (EE) and moscow (RU); admin; supervisors of each site and
 * of all; operators anna (tallinn, 1001), boris (tallinn, 1002), ivan (moscow, 2001).
 */
export async function seedWorld(t: TestHub): Promise<void> {
  const core = t.hub.core;
  await core.sites.create('system', {
    id: 'tallinn',
    name: 'Tallinn',
    gatewayUrl: 'https://gw.tallinn.example',
    timeZone: 'Europe/Tallinn',
    defaultCountry: 'EE',
  });
  await core.sites.create('system', {
    id: 'moscow',
    name: 'Moscow',
    gatewayUrl: 'https://gw.moscow.example',
    timeZone: 'Europe/Moscow',
    defaultCountry: 'RU',
  });
  const users: [string, 'admin' | 'supervisor' | 'operator', string, string][] = [
    ['admin', 'admin', '*', ''],
    ['sue', 'supervisor', 'tallinn', ''],
    ['mark', 'supervisor', 'moscow', ''],
    ['olga', 'supervisor', '*', ''],
    ['anna', 'operator', 'tallinn', '1001'],
    ['boris', 'operator', 'tallinn', '1002'],
    ['ivan', 'operator', 'moscow', '2001'],
  ];
  for (const [id, role, site, extension] of users) {
    await core.users.create('system', {
      id,
      name: id[0]?.toUpperCase() + id.slice(1),
      role,
      site,
      extension,
      password: PASSWORD,
    });
  }
}
