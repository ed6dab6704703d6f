/**
 * Sends due webhook deliveries: signs each, POSTs it, logs the attempt, and on failure schedules
 * the next attempt by the backoff list until `maxAttempts`, when the delivery is marked failed
 * (an admin can replay it). A 2xx answer is success; anything else, a timeout or a refused
 * connection is a failure. Redirects are not followed (a 3xx is a failure): the signed body must
 * go to the configured URL only.
 *
 * Several hub instances can run dispatchers on one database: a delivery is claimed with one
 * conditional UPDATE, and a claim whose sender died is taken over after `locked_until`.
 */
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '@callgate/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { HubTables } from '../db/schema.js';
import { signWebhook } from './webhook-signature.js';

export interface DispatcherOptions {
  maxAttempts: number;
  backoffMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  /** How often the queue is polled when nothing kicks it. */
  pollMs: number;
  userAgent: string;
}

export interface DispatcherMetrics {
  attempt(outcome: 'delivered' | 'retry' | 'failed'): void;
}

export interface DispatcherLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** The delay before attempt `n + 1`, after `n` failed attempts (n ≥ 1). */
export function backoffAfter(failedAttempts: number, backoffMs: readonly number[]): number {
  const i = Math.min(Math.max(failedAttempts - 1, 0), backoffMs.length - 1);
  return backoffMs[i] ?? 0;
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions,
    private readonly metrics: DispatcherMetrics,
    private readonly log: DispatcherLog,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the deliveries in flight (each is bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Something was enqueued: send it now rather than at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Sends every delivery that is due now, `concurrency` at a time; returns how many were attempted. */
  async tick(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick()
        .catch((error: unknown) => this.log.error({ err: error }, 'webhook dispatch failed'))
        .finally(() => {
          if (this.again) {
            this.again = false;
            this.schedule(0);
          } else {
            this.schedule(this.options.pollMs);
          }
        });
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim(this.options.concurrency);
      if (claimed.length === 0) return total;
      total += claimed.length;
      await Promise.all(claimed.map((id) => this.send(id)));
      if (this.stopped) return total;
    }
  }

  private async claim(max: number): Promise<number[]> {
    const now = this.clock();
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(max)
      .execute();
    const claimed: number[] = [];
    for (const { id } of due) {
      const result = await this.db
        .updateTable('webhook_deliveries')
        .set({ status: 'sending', locked_until: now + this.options.timeoutMs + 30_000 })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', now)]),
          ]),
        )
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) claimed.push(id);
    }
    return claimed;
  }

  private async send(id: number): Promise<void> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.event_id',
        'webhook_deliveries.event_type',
        'webhook_deliveries.payload',
        'webhook_deliveries.attempts',
        'webhooks.url',
        'webhooks.secret',
        'webhooks.active',
      ])
      .where('webhook_deliveries.id', '=', id)
      .executeTakeFirst();
    if (!row) return; // the webhook was deleted meanwhile (deliveries cascade)
    const started = this.clock();
    const outcome: Outcome =
      row.active === 1 ? await this.post(row) : { ok: false, status: null, error: 'webhook is inactive' };
    const finished = this.clock();
    const attempts = row.attempts + 1;
    const final = outcome.ok || attempts >= this.options.maxAttempts;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: id,
          at: started,
          status_code: outcome.status,
          error: outcome.ok ? null : outcome.error.slice(0, 500),
          duration_ms: Math.max(0, Math.round(finished - started)),
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: outcome.ok ? 'delivered' : final ? 'failed' : 'pending',
          attempts,
          locked_until: null,
          next_attempt_at: final ? null : finished + backoffAfter(attempts, this.options.backoffMs),
          delivered_at: outcome.ok ? finished : null,
        })
        .where('id', '=', id)
        .execute();
    });
    this.metrics.attempt(outcome.ok ? 'delivered' : final ? 'failed' : 'retry');
    if (!outcome.ok) {
      const fields = { delivery: id, event: row.event_type, attempts, status: outcome.status, error: outcome.error };
      if (final) this.log.error(fields, 'webhook delivery failed for good; replay it when the receiver is fixed');
      else this.log.warn(fields, 'webhook delivery failed; will retry');
    }
  }

  private async post(row: {
    id: number;
    event_id: string;
    event_type: string;
    payload: string;
    url: string;
    secret: string;
  }): Promise<Outcome> {
    const signature = signWebhook(row.secret, row.payload, Math.floor(this.clock() / 1000));
    try {
      const response = await fetch(row.url, {
        method: 'POST',
        body: row.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent,
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          [WEBHOOK_EVENT_HEADER]: row.event_type,
          [WEBHOOK_EVENT_ID_HEADER]: row.event_id,
          [WEBHOOK_DELIVERY_HEADER]: String(row.id),
        },
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
            : String(error);
      return { ok: false, status: null, error: reason };
    }
  }
}
