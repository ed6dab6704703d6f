/**
 * The hub's tables as Kysely sees them: one set of types and queries for SQLite and PostgreSQL.
 * Conventions that make that possible:
 * - times are integer milliseconds since the epoch (`bigint`; pg's int8 is parsed to a number);
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - structured values (the call record, JSON details) are JSON text;
 * - generated ids are `integer autoincrement` on SQLite and `bigserial` on PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface SitesTable {
  id: string;
  name: string;
  gateway_url: string;
  time_zone: string;
  default_country: string | null;
  credential_hash: string | null;
  credential_issued_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  name: string;
  role: 'operator' | 'supervisor' | 'admin';
  site: string;
  extension: string;
  endpoint: string | null;
  password_hash: string;
  disabled: number;
  password_changed_at: number;
  created_at: number;
  updated_at: number;
}

export interface QueuesTable {
  site: string;
  name: string;
  label: string;
  created_at: number;
}

export interface QueueMembersTable {
  site: string;
  queue: string;
  user_id: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 of the cookie secret: a database leak does not give working sessions. */
  secret_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  address: string;
  user_agent: string;
}

export interface SigningKeysTable {
  kid: string;
  public_jwk: string;
  private_jwk: string;
  created_at: number;
  activates_at: number;
  revoked_at: number | null;
}

export interface ContactsTable {
  id: string;
  name: string;
  company: string;
  email: string;
  notes: string;
  external_id: string | null;
  /** Lower-cased name, company, email and numbers: one LIKE on both engines, Cyrillic included. */
  search_text: string;
  created_at: number;
  updated_at: number;
}

export interface ContactPhonesTable {
  contact_id: string;
  number: string;
  label: string;
  position: number;
}

export interface CallsTable {
  record_id: string;
  call_id: string;
  site: string;
  direction: string;
  customer_number: string | null;
  queue: string | null;
  outcome: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
  wait_seconds: number;
  talk_seconds: number;
  duration_seconds: number;
  /** Version rank (see record-rank.ts): complete, then ended_at, then detail_count. */
  complete: number;
  detail_count: number;
  record_json: string;
  received_at: number;
  updated_at: number;
}

/** Operators a call was offered to or handled by: who may see it, and who may dispose it. */
export interface CallOperatorsTable {
  record_id: string;
  operator_id: string;
  site: string;
  started_at: number;
  /** 1 when the operator talked on it (a segment), 0 when it only rang (an offer). */
  handled: number;
}

export interface CallDispositionsTable {
  record_id: string;
  code: string;
  notes: string;
  saved_by: string;
  saved_at: number;
}

export interface DeadLettersTable {
  id: Generated<number>;
  received_at: number;
  source: string;
  record_id: string | null;
  reason: string;
  problems_json: string;
  payload: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  details_json: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** The HMAC key; needed in clear to sign, so it is never returned after creation. */
  secret: string;
  events_json: string;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  /** While `sending`: when another hub instance may take it over (the sender died). */
  locked_until: number | null;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface HubTables {
  sites: SitesTable;
  users: UsersTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  contacts: ContactsTable;
  contact_phones: ContactPhonesTable;
  calls: CallsTable;
  call_operators: CallOperatorsTable;
  call_dispositions: CallDispositionsTable;
  dead_letters: DeadLettersTable;
  audit_log: AuditLogTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
