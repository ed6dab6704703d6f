/**
 * What an AMI action handler gets: the action, the session it came on, the simulated Asterisk,
 * and reply helpers that produce Asterisk's response shapes (plain response, EventList with
 * items and a `…Complete` event).
 */
import type { AmiMessage } from '@callgate/ami';
import type { EventClass } from '../model/sim-event.js';
import type { SimulatedAsterisk } from '../simulated-asterisk.js';
import type { AmiSession } from './ami-session.js';
import { amiVariables } from './ami-variables.js';
import { response } from './wire.js';

export class ActionContext {
  readonly pbx: SimulatedAsterisk;
  readonly session: AmiSession;
  readonly message: AmiMessage;
  readonly actionId: string | undefined;
  readonly action: string;

  constructor(pbx: SimulatedAsterisk, session: AmiSession, message: AmiMessage) {
    this.pbx = pbx;
    this.session = session;
    this.message = message;
    this.actionId = message.get('ActionID');
    this.action = message.get('Action') ?? '';
  }

  get world(): SimulatedAsterisk['world'] {
    return this.pbx.world;
  }

  /** A header value, undefined when absent or empty (Asterisk treats both alike). */
  header(name: string): string | undefined {
    const v = this.message.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  headers(name: string): string[] {
    return this.message.getAll(name);
  }

  /** The `Variable:` headers as Asterisk reads them, `[name, value]` in order (./ami-variables.ts). */
  variables(): Array<[string, string]> {
    return amiVariables(this.headers('Variable'));
  }

  /** Asterisk's ast_true: yes, true, y, t, 1, on. */
  flag(name: string): boolean {
    const v = (this.header(name) ?? '').toLowerCase();
    return ['yes', 'true', 'y', 't', '1', 'on'].includes(v);
  }

  reply(status: string, fields: readonly string[] = []): void {
    this.session.send(response(status, this.actionId, fields));
  }

  success(message: string, fields: readonly string[] = []): void {
    this.reply('Success', ['Message', message, ...fields]);
  }

  error(message: string): void {
    this.reply('Error', ['Message', message]);
  }

  /** An EventList: `Response: Success` with `EventList: start`, the items, the `…Complete` event. */
  list(
    startMessage: string,
    items: ReadonlyArray<readonly string[]>,
    completeEvent: string,
    extraComplete: readonly string[] = [],
  ): void {
    this.reply('Success', ['EventList', 'start', 'Message', startMessage]);
    for (const item of items) this.session.send(item);
    const complete = ['Event', completeEvent];
    if (this.actionId !== undefined) complete.push('ActionID', this.actionId);
    complete.push('EventList', 'Complete', 'ListItems', String(items.length), ...extraComplete);
    this.session.send(complete);
  }

  /** `['Event', name, 'ActionID', id, …fields]` for list items that carry the ActionID second. */
  item(name: string, fields: readonly string[]): string[] {
    const out = ['Event', name];
    if (this.actionId !== undefined) out.push('ActionID', this.actionId);
    out.push(...fields);
    return out;
  }

  /** Whether the session's user may run an action needing one of `classes` (empty: anyone). */
  allowed(classes: readonly EventClass[]): boolean {
    if (classes.length === 0) return true;
    const write = this.session.user?.write;
    return write !== undefined && classes.some((c) => write.has(c));
  }
}
