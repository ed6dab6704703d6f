/**
 * The hub's HTTP API as the panel uses it (docs/hub.md; schemas in contracts hub-api.ts), with
 * the session cookie the login set and the CSRF token on every change.
 *
 * Every failure is a `HubRequestError` with a stable code: the hub's own `HUB_ERR_…` from its
 * error body, or `PANEL_ERR_HUB_UNREACHABLE` when no answer came (network, timeout, a proxy's
 * 502/503/504) — the panel shows "CRM unreachable" and telephony goes on. Responses are checked
 * against the contracts before the screens see them.
 */
import type {
  ContactLookupResponse,
  Contact,
  CallListQuery,
  CreateContactRequest,
  DispositionOption,
  DispositionQueued,
  FieldProblem,
  HubCall,
  HubSite,
  HubUser,
  LoginResponse,
  OperatorToken,
  PageOf,
  SessionInfo,
} from '@callgate/contracts';
import { PanelErrorCode } from '../errors.js';
import { checks } from './contract-runtime.js';

export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';
  constructor(
    /** `HUB_ERR_…` from the hub, or `PANEL_ERR_HUB_UNREACHABLE` / `PANEL_ERR_BAD_RESPONSE`. */
    readonly code: string,
    message: string,
    /** HTTP status; null when no response came. */
    readonly status: number | null,
    readonly problems: readonly FieldProblem[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export const API_PREFIX = '/api/v1';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HubClientOptions {
  /** The hub's origin; '' in the browser (same origin as the panel). */
  baseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Called after every request: did the hub answer at all? */
  onReachability?: (reachable: boolean) => void;
  /** The session is gone (401 on a request that needed it). */
  onSessionEnded?: () => void;
}

const UNREACHABLE_STATUSES = new Set([502, 503, 504]);
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** `GET /auth/session`: the session (200), or nothing when nobody is logged in (204). */
const sessionOrNobody = (value: unknown): value is SessionInfo | undefined =>
  value === undefined || checks.sessionInfo(value);

export class HubClient {
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #options: HubClientOptions;
  #csrfToken: string | null = null;

  constructor(options: HubClientOptions = {}) {
    this.#options = options;
    this.#base = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  // ---- session ---------------------------------------------------------------------------

  async login(username: string, password: string): Promise<LoginResponse> {
    const response = await this.#request('POST', '/auth/login', checks.loginResponse, {
      body: { username, password },
      auth: false,
    });
    this.#csrfToken = response.session.csrfToken;
    return response;
  }

  /** The current session, or null when nobody is logged in (the hub answers 204, not an error). */
  async session(): Promise<SessionInfo | null> {
    const info = await this.#request('GET', '/auth/session', sessionOrNobody, { auth: false });
    if (info === undefined) return null;
    this.#csrfToken = info.csrfToken;
    return info;
  }

  renewToken(): Promise<OperatorToken> {
    return this.#request('POST', '/auth/token', checks.operatorToken);
  }

  async logout(): Promise<void> {
    await this.#request('POST', '/auth/logout', null);
    this.#csrfToken = null;
  }

  // ---- CRM -------------------------------------------------------------------------------

  lookupContacts(number: string): Promise<ContactLookupResponse> {
    return this.#request('GET', '/contacts/lookup', checks.contactLookup, { query: { number } });
  }

  searchContacts(q: string, limit = 20): Promise<PageOf<Contact>> {
    return this.#request('GET', '/contacts', checks.contactPage, { query: { q, limit: String(limit) } });
  }

  createContact(request: CreateContactRequest): Promise<Contact> {
    return this.#request('POST', '/contacts', checks.contact, { body: request });
  }

  listCalls(query: CallListQuery): Promise<PageOf<HubCall>> {
    const q: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) if (value !== undefined) q[key] = String(value);
    return this.#request('GET', '/calls', checks.hubCallPage, { query: q });
  }

  getCall(recordId: string): Promise<HubCall> {
    return this.#request('GET', `/calls/${encodeURIComponent(recordId)}`, checks.hubCall);
  }

  /**
   * The hub answers with the saved call; a site gateway (site mode, WAN outage) with 202
   * `DispositionQueued`: kept there and forwarded to the hub once the link is back.
   */
  saveDisposition(recordId: string, code: string, notes: string): Promise<HubCall | DispositionQueued> {
    return this.#request('PUT', `/calls/${encodeURIComponent(recordId)}/disposition`, checks.savedDisposition, {
      body: { code, notes },
    });
  }

  dispositions(): Promise<DispositionOption[]> {
    return this.#request('GET', '/dispositions', checks.dispositions);
  }

  sites(): Promise<HubSite[]> {
    return this.#request('GET', '/sites', checks.sites);
  }

  /** Every user the caller may see (supervisors: their site), all pages. */
  async users(): Promise<HubUser[]> {
    const users: HubUser[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '500' };
      if (cursor !== null) query.cursor = cursor;
      const page: PageOf<HubUser> = await this.#request('GET', '/users', checks.userPage, { query });
      users.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return users;
  }

  // ---- plumbing --------------------------------------------------------------------------

  async #request<T>(
    method: string,
    path: string,
    check: ((value: unknown) => value is T) | null,
    options: { query?: Record<string, string>; body?: unknown; auth?: boolean } = {},
  ): Promise<T> {
    const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE_METHODS.has(method) && this.#csrfToken !== null) headers['x-csrf-token'] = this.#csrfToken;
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${API_PREFIX}${path}${search}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      this.#options.onReachability?.(false);
      const why = error instanceof Error ? error.message : String(error);
      throw new HubRequestError(PanelErrorCode.HubUnreachable, `the hub did not answer: ${why}`, null);
    }
    if (UNREACHABLE_STATUSES.has(response.status)) {
      this.#options.onReachability?.(false);
      throw new HubRequestError(PanelErrorCode.HubUnreachable, `the hub answered ${response.status}`, response.status);
    }
    this.#options.onReachability?.(true);
    if (response.status === 204 || check === null) {
      if (!response.ok) throw await this.#error(response, options.auth !== false);
      return undefined as T;
    }
    if (!response.ok) throw await this.#error(response, options.auth !== false);
    let value: unknown;
    try {
      value = await response.json();
    } catch {
      throw new HubRequestError(PanelErrorCode.BadResponse, `${method} ${path}: not JSON`, response.status);
    }
    if (!check(value)) {
      throw new HubRequestError(
        PanelErrorCode.BadResponse,
        `${method} ${path}: the answer is outside the API`,
        response.status,
      );
    }
    return value;
  }

  async #error(response: Response, sessionNeeded: boolean): Promise<HubRequestError> {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not the hub's error body (a proxy's HTML page): described by the status alone.
    }
    if (response.status === 401 && sessionNeeded) this.#options.onSessionEnded?.();
    if (!checks.apiErrorBody(body))
      return new HubRequestError(`HTTP_${response.status}`, response.statusText, response.status);
    const e = body.error;
    return new HubRequestError(e.code, e.message, response.status, e.problems ?? [], e.retryAfterSeconds ?? null);
  }
}
