/**
 * Everything the operator screen shows, as signals, and every action it can take. Wires the
 * pure pieces (OperatorConnection, WrapUpQueue, HubClient) to the browser: WebSocket, timers,
 * localStorage, online/visibility events.
 */
import { batch, computed, signal } from '@preact/signals';
import type {
  Contact,
  DispositionOption,
  HubCall,
  OperatorCall,
  OperatorCommand,
  OperatorToken,
  SessionInfo,
  TransferTarget,
} from '@callgate/contracts';
import { openBrowserSocket, webSocketUrl } from '../client/client-socket.js';
import type { CommandEntry } from '../client/command-tracker.js';
import { OPERATOR_WS_PATH } from '../client/contract-runtime.js';
import { DemoPhone, mayHaveDemoPhone, type DemoPhoneAction } from '../client/demo-phone.js';
import { checkDialInput, type DialInput } from '../client/dial-input.js';
import { HubRequestError } from '../client/hub-client.js';
import { OperatorConnection, type OperatorConnectionState } from '../client/operator-connection.js';
import { currentCall } from '../client/operator-state.js';
import { browserTimers } from '../client/timers.js';
import { HubTokenSource } from '../client/token-source.js';
import { WrapUpQueue, type WrapUp } from '../client/wrap-up-queue.js';
import { PanelErrorCode } from '../errors.js';
import { endSession, hub } from './session-store.js';

export type ContactLookup =
  | { phase: 'loading' }
  | { phase: 'found'; contacts: Contact[]; recent: HubCall[] }
  | { phase: 'unknown'; number: string }
  | { phase: 'error'; code: string };

export type HistoryState = { phase: 'loading' | 'ready' | 'error'; calls: HubCall[]; code: string | null };

function newTabId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

export class OperatorStore {
  readonly link = signal<OperatorConnectionState>();
  readonly wrapUps = signal<readonly WrapUp[]>([]);
  readonly history = signal<HistoryState>({ phase: 'loading', calls: [], code: null });
  readonly dispositions = signal<DispositionOption[]>([]);
  readonly contacts = signal<ReadonlyMap<string, ContactLookup>>(new Map());
  readonly contactSearch = signal<{ q: string; phase: 'idle' | 'loading' | 'ready' | 'error'; items: Contact[] }>({
    q: '',
    phase: 'idle',
    items: [],
  });
  /** The number in the dial pad (click-to-call from the history or a contact puts it here too). */
  readonly dialText = signal('');
  readonly dialProblem = signal<DialInput | null>(null);
  /** `callgate demo` only: the simulated desk phone can be driven from the panel. */
  readonly demoPhone = signal(false);

  readonly state = computed(() => this.link.value?.operator ?? null);
  readonly current = computed<OperatorCall | null>(() => {
    const s = this.state.value;
    return s ? currentCall(s) : null;
  });
  readonly openWrapUps = computed(() => this.wrapUps.value.filter((w) => w.phase !== 'saved' && w.phase !== 'skipped'));

  readonly #connection: OperatorConnection;
  readonly #tokens: HubTokenSource;
  readonly #demoPhone: DemoPhone | null;
  readonly #wrapUpQueue: WrapUpQueue;
  readonly #tabId = newTabId();
  #commandCounter = 0;
  readonly #cleanups: (() => void)[] = [];
  #offered = new Set<string>();

  constructor(
    readonly session: SessionInfo,
    token: OperatorToken | null,
  ) {
    const site = session.site;
    // '' (a site login at the gateway: the panel was loaded from the gateway itself) means this
    // page's own origin, as does a session without a site.
    const gatewayUrl = site?.gatewayUrl || location.origin;
    this.#tokens = new HubTokenSource(hub, token);
    this.#demoPhone = mayHaveDemoPhone(location.search) ? new DemoPhone(gatewayUrl) : null;
    this.#connection = new OperatorConnection({
      url: webSocketUrl(gatewayUrl, OPERATOR_WS_PATH),
      openSocket: openBrowserSocket,
      tokens: this.#tokens,
      timers: browserTimers,
      newCommandId: () => `p-${this.#tabId}-${(++this.#commandCounter).toString(36)}`,
      onChange: (state) => this.#onLink(state),
      onProblem: (problem) => console.warn(problem.code, problem.message),
    });
    this.link.value = this.#connection.state;
    this.#wrapUpQueue = new WrapUpQueue({
      storage: localStorage,
      storageKey: `callgate.wrap-up.${session.user.id}`,
      timers: browserTimers,
      save: (recordId, code, notes) => hub.saveDisposition(recordId, code, notes),
      onChange: (items) => {
        const saved = items.some(
          (w) => w.phase === 'saved' && !this.wrapUps.peek().some((o) => o.callId === w.callId && o.phase === 'saved'),
        );
        this.wrapUps.value = items;
        if (saved) this.refreshHistory();
      },
    });
    this.wrapUps.value = this.#wrapUpQueue.items;
    this.#listen(window, 'online', () => this.#connection.wake());
    this.#listen(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') this.#connection.wake();
    });
    this.#listen(window, 'storage', (event) => {
      if ((event as StorageEvent).key === `callgate.wrap-up.${session.user.id}`) this.#wrapUpQueue.reload();
    });
  }

  start(): void {
    this.#connection.start();
    const token = this.#tokens.current();
    if (this.#demoPhone && token) {
      void this.#demoPhone.available(token.token).then((yes) => (this.demoPhone.value = yes));
    }
    this.refreshHistory();
    hub.dispositions().then(
      (list) => (this.dispositions.value = list),
      () => undefined, // shown as an empty list with the CRM-unreachable badge; retried on the next wrap-up
    );
  }

  dispose(): void {
    this.#connection.stop('logged-out');
    this.#wrapUpQueue.dispose();
    for (const cleanup of this.#cleanups) cleanup();
  }

  /** The gateway's clock (timers on screen count from the gateway's timestamps). */
  serverNow(localNow: number): number {
    return localNow + (this.link.value?.clockOffsetMs ?? 0);
  }

  // ---- commands --------------------------------------------------------------------------

  command(command: OperatorCommand): CommandEntry {
    return this.#connection.send(command);
  }

  /** The latest command entry for an action (and call), for the button's pending/done/failed. */
  latest(name: OperatorCommand['name'], callId?: string): CommandEntry | undefined {
    const commands = this.link.value?.commands ?? [];
    for (let i = commands.length - 1; i >= 0; i--) {
      const entry = commands[i];
      if (entry && entry.command.name === name && (callId === undefined || entry.callId === callId)) return entry;
    }
    return undefined;
  }

  /** Click-to-call after checking the number; returns false (and shows why) when it cannot be dialled. */
  dial(number: string, crmRef?: string): boolean {
    const welcome = this.link.value?.welcome;
    const check = checkDialInput(number, welcome?.colleagues ?? [], welcome?.operator.extension ?? '');
    this.dialProblem.value = check.ok ? null : check;
    if (!check.ok) return false;
    this.command(
      crmRef === undefined ? { name: 'dial', number: check.number } : { name: 'dial', number: check.number, crmRef },
    );
    return true;
  }

  transfer(callId: string, to: TransferTarget, attended: boolean): void {
    this.command({ name: attended ? 'attended-transfer-start' : 'transfer', callId, to });
  }

  /** Drives the demo's simulated desk phone (only when `demoPhone` is true). */
  demoPhoneAction(action: DemoPhoneAction): void {
    const token = this.#tokens.current();
    if (this.#demoPhone && token) void this.#demoPhone.act(action, token.token);
  }

  // ---- CRM -------------------------------------------------------------------------------

  /** The contact card for a caller's number, looked up once per number. */
  lookup(number: string | null): void {
    if (number === null || number === '' || this.contacts.peek().has(number)) return;
    this.#setContact(number, { phase: 'loading' });
    hub.lookupContacts(number).then(
      async (result) => {
        if (result.contacts.length === 0) return this.#setContact(number, { phase: 'unknown', number: result.number });
        const first = result.contacts[0];
        let recent: HubCall[] = [];
        if (first) {
          try {
            recent = (await hub.listCalls({ contact: first.id, limit: 5 })).items;
          } catch {
            recent = []; // the card without its last calls is still worth showing
          }
        }
        this.#setContact(number, { phase: 'found', contacts: result.contacts, recent });
      },
      (error: unknown) => {
        const code = error instanceof HubRequestError ? error.code : PanelErrorCode.HubUnreachable;
        this.#setContact(number, { phase: 'error', code });
        // Try again next time the card is needed.
        setTimeout(() => this.#forgetContact(number), 5_000);
      },
    );
  }

  async createContact(name: string, company: string, number: string): Promise<void> {
    const contact = await hub.createContact({ name, company, phones: [{ number }] });
    this.#setContact(number, { phase: 'found', contacts: [contact], recent: [] });
  }

  searchContacts(q: string): void {
    const query = q.trim();
    this.contactSearch.value = { q, phase: query === '' ? 'idle' : 'loading', items: [] };
    if (query === '') return;
    hub.searchContacts(query).then(
      (page) => {
        if (this.contactSearch.peek().q === q) this.contactSearch.value = { q, phase: 'ready', items: page.items };
      },
      () => {
        if (this.contactSearch.peek().q === q) this.contactSearch.value = { q, phase: 'error', items: [] };
      },
    );
  }

  refreshHistory(): void {
    const previous = this.history.peek();
    this.history.value = { ...previous, phase: previous.calls.length > 0 ? 'ready' : 'loading' };
    hub.listCalls({ limit: 30 }).then(
      (page) => (this.history.value = { phase: 'ready', calls: page.items, code: null }),
      (error: unknown) => {
        const code = error instanceof HubRequestError ? error.code : PanelErrorCode.HubUnreachable;
        this.history.value = { ...this.history.peek(), phase: 'error', code };
      },
    );
  }

  // ---- wrap-up ---------------------------------------------------------------------------

  draftWrapUp(callId: string, code: string, notes: string): void {
    this.#wrapUpQueue.draft(callId, code, notes);
  }

  submitWrapUp(callId: string, code: string, notes: string): void {
    this.#wrapUpQueue.submit(callId, code, notes);
    if (this.dispositions.peek().length === 0) {
      hub.dispositions().then(
        (list) => (this.dispositions.value = list),
        () => undefined,
      );
    }
  }

  skipWrapUp(callId: string): void {
    this.#wrapUpQueue.skip(callId);
  }

  /** A disposition for a call from the history (one that ended while the panel was closed). */
  wrapUpFromHistory(call: HubCall): void {
    const site = this.link.peek()?.welcome?.site.id ?? call.record.site;
    this.#wrapUpQueue.offer(site, {
      callId: call.record.callId,
      direction: call.record.direction,
      number: call.record.customerNumber,
      name: null,
      lineLabel: null,
      state: 'ended',
      startedAt: call.record.startedAt,
      answeredAt: call.record.answeredAt,
      heldSince: null,
      crmRef: call.record.crmRef,
      endedAt: call.record.endedAt,
      outcome: null,
    });
  }

  // ---- internals -------------------------------------------------------------------------

  #onLink(state: OperatorConnectionState): void {
    batch(() => {
      this.link.value = state;
      if (state.phase === 'stopped' && state.stopReason !== 'logged-out') {
        if (state.stopReason === 'session-ended' || state.stopReason === 'unauthorized') {
          endSession(PanelErrorCode.SessionEnded);
        }
      }
    });
    const site = state.welcome?.site.id;
    if (site === undefined) return;
    let ended = false;
    for (const call of state.operator.ended) {
      if (this.#offered.has(call.callId)) continue;
      this.#offered.add(call.callId);
      this.#wrapUpQueue.offer(site, call);
      ended = true;
    }
    for (const call of state.operator.calls) if (call.direction !== 'internal') this.lookup(call.number);
    if (ended) {
      // The record reaches the hub a moment after the call ends (outbox → uplink).
      setTimeout(() => this.refreshHistory(), 1_500);
      setTimeout(() => this.refreshHistory(), 6_000);
    }
  }

  #setContact(number: string, lookup: ContactLookup): void {
    const next = new Map(this.contacts.peek());
    next.set(number, lookup);
    this.contacts.value = next;
  }

  #forgetContact(number: string): void {
    const next = new Map(this.contacts.peek());
    next.delete(number);
    this.contacts.value = next;
  }

  #listen(target: EventTarget, type: string, handler: (event: Event) => void): void {
    target.addEventListener(type, handler);
    this.#cleanups.push(() => target.removeEventListener(type, handler));
  }
}
