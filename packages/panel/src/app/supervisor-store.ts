/**
 * Everything the supervisor dashboard shows: the live view of every site it may see (hub live
 * WebSocket), the sites' names and time zones, people's names, and the call log with filters.
 */
import { computed, signal } from '@preact/signals';
import type { CallListQuery, HubCall, HubSite, HubUser, SessionInfo } from '@callgate/contracts';
import { openBrowserSocket, webSocketUrl } from '../client/client-socket.js';
import { LIVE_WS_PATH } from '../client/contract-runtime.js';
import { HubRequestError } from '../client/hub-client.js';
import { LiveConnection, type LiveConnectionState } from '../client/live-connection.js';
import { browserTimers } from '../client/timers.js';
import { HubTokenSource } from '../client/token-source.js';
import { PanelErrorCode } from '../errors.js';
import { endSession, hub } from './session-store.js';

export type CallLogFilters = Pick<CallListQuery, 'site' | 'operator' | 'direction' | 'outcome' | 'from' | 'to'>;

export interface CallLogState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  filters: CallLogFilters;
  calls: HubCall[];
  nextCursor: string | null;
  code: string | null;
}

export type CallDetailState =
  | { phase: 'none' }
  | { phase: 'loading'; recordId: string }
  | { phase: 'ready'; call: HubCall }
  | { phase: 'error'; recordId: string; code: string };

const errorCode = (error: unknown): string =>
  error instanceof HubRequestError ? error.code : PanelErrorCode.HubUnreachable;

export class SupervisorStore {
  readonly live = signal<LiveConnectionState>();
  readonly sites = signal<ReadonlyMap<string, HubSite>>(new Map());
  readonly users = signal<ReadonlyMap<string, HubUser>>(new Map());
  readonly callLog = signal<CallLogState>({ phase: 'idle', filters: {}, calls: [], nextCursor: null, code: null });
  readonly detail = signal<CallDetailState>({ phase: 'none' });

  readonly siteList = computed(() => {
    const states = [...(this.live.value?.live.sites.values() ?? [])];
    return states.sort((a, b) => this.siteName(a.site).localeCompare(this.siteName(b.site)));
  });

  readonly #connection: LiveConnection;

  constructor(readonly session: SessionInfo) {
    const tokens = new HubTokenSource(hub, null);
    this.#connection = new LiveConnection({
      url: webSocketUrl(location.origin, LIVE_WS_PATH),
      openSocket: openBrowserSocket,
      timers: browserTimers,
      renewToken: () => tokens.renew(),
      onChange: (state) => {
        this.live.value = state;
        if (state.phase === 'stopped' && state.stopReason === 'session-ended') endSession(PanelErrorCode.SessionEnded);
      },
      onProblem: (problem) => console.warn(problem.code, problem.message),
    });
    this.live.value = this.#connection.state;
  }

  start(): void {
    this.#connection.start();
    hub.sites().then(
      (sites) => (this.sites.value = new Map(sites.map((s) => [s.id, s]))),
      () => undefined, // names fall back to ids
    );
    hub.users().then(
      (users) => (this.users.value = new Map(users.map((u) => [u.id, u]))),
      () => undefined, // names fall back to ids (supervisors may not list users)
    );
    this.loadCalls({});
  }

  dispose(): void {
    this.#connection.stop('logged-out');
  }

  wake(): void {
    this.#connection.wake();
  }

  siteName(id: string): string {
    return this.sites.peek().get(id)?.name ?? id;
  }

  personName(id: string): string {
    return this.users.peek().get(id)?.name ?? id;
  }

  loadCalls(filters: CallLogFilters): void {
    this.callLog.value = { phase: 'loading', filters, calls: [], nextCursor: null, code: null };
    hub.listCalls({ ...filters, limit: 50 }).then(
      (page) => {
        if (this.callLog.peek().filters !== filters) return;
        this.callLog.value = { phase: 'ready', filters, calls: page.items, nextCursor: page.nextCursor, code: null };
      },
      (error: unknown) => {
        if (this.callLog.peek().filters !== filters) return;
        this.callLog.value = { ...this.callLog.peek(), phase: 'error', code: errorCode(error) };
      },
    );
  }

  loadMoreCalls(): void {
    const current = this.callLog.peek();
    if (current.nextCursor === null || current.phase === 'loading') return;
    this.callLog.value = { ...current, phase: 'loading' };
    hub.listCalls({ ...current.filters, limit: 50, cursor: current.nextCursor }).then(
      (page) => {
        this.callLog.value = {
          ...current,
          phase: 'ready',
          calls: [...current.calls, ...page.items],
          nextCursor: page.nextCursor,
        };
      },
      (error: unknown) => (this.callLog.value = { ...current, phase: 'error', code: errorCode(error) }),
    );
  }

  openCall(recordId: string): void {
    this.detail.value = { phase: 'loading', recordId };
    hub.getCall(recordId).then(
      (call) => (this.detail.value = { phase: 'ready', call }),
      (error: unknown) => (this.detail.value = { phase: 'error', recordId, code: errorCode(error) }),
    );
  }

  closeCall(): void {
    this.detail.value = { phase: 'none' };
  }
}
