/**
 * The hub's HTTP API, version 1 (`/api/v1`, OpenAPI at `/api/docs`, guide in docs/hub.md):
 * request and response bodies. Request schemas are closed (`additionalProperties: false`): an
 * unknown field is an error, not silently ignored. Times are ISO 8601 strings in UTC.
 *
 * Every error response has the same body, `ApiErrorBody`, whose `code` is one of the
 * `HUB_ERR_…` codes in docs/errors.md.
 */
import Type from 'typebox';
import { CallRecord } from './call-record.js';
import { DispositionOption } from './hub-config.js';
import { SafeId, SiteOperator, SiteQueue } from './site-config.js';
import { Role } from './token-claims.js';
import { validator } from './validate.js';

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A site id, or `*` (every site) for supervisors and admins. */
const SiteScope = Type.String({ minLength: 1, maxLength: 64, pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9_.-]*)$' });
const Extension = Type.String({ maxLength: 20, pattern: '^[0-9*#]*$' });
const Endpoint = Type.String({ minLength: 3, maxLength: 80, pattern: '^[A-Za-z0-9]+/[A-Za-z0-9_.@-]+$' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
/** An IANA time zone (`Europe/Tallinn`); the site's "today" for live counters. */
const TimeZone = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' });
const Country = Type.String({ pattern: '^[A-Z]{2}$' });

// ---- errors and pages -------------------------------------------------------------------

export const ApiFieldProblem = Type.Object(
  { path: Type.String(), reason: Type.String() },
  { additionalProperties: false },
);

export const ApiErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        /** A `HUB_ERR_…` code (docs/errors.md). */
        code: Type.String(),
        message: Type.String(),
        /** For validation errors: every bad field and why. */
        problems: Type.Optional(Type.Array(ApiFieldProblem)),
        /** For `HUB_ERR_RATE_LIMITED`: when to try again (also in `Retry-After`). */
        retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ApiErrorBody = Type.Static<typeof ApiErrorBody>;

/** A page of a list, newest or alphabetical first; pass `nextCursor` back as `cursor`. */
export function Page<T extends Type.TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) }, { additionalProperties: false });
}
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  /** Opaque; from the previous page's `nextCursor`. */
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
};

// ---- accounts, sessions, tokens ---------------------------------------------------------

export const HubUser = Type.Object(
  {
    /** The login name, and the operator id in site configs, records and tokens (`sub`). */
    id: SafeId,
    name: Name,
    role: Role,
    site: SiteScope,
    /** Phone extension; empty for users without a phone. */
    extension: Extension,
    /** The operator's phone as Asterisk dials it (`PJSIP/1001`); null for users without a phone. */
    endpoint: Nullable(Endpoint),
    disabled: Type.Boolean(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type HubUser = Type.Static<typeof HubUser>;

export const CreateUserRequest = Type.Object(
  {
    id: SafeId,
    name: Name,
    role: Role,
    /** Operators: one site. Supervisors: one site or `*`. Admins: `*`. */
    site: SiteScope,
    extension: Type.Optional(Extension),
    /** Default for operators: `PJSIP/<extension>`. */
    endpoint: Type.Optional(Endpoint),
    password: Password,
  },
  { additionalProperties: false },
);
export type CreateUserRequest = Type.Static<typeof CreateUserRequest>;

export const UpdateUserRequest = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    site: Type.Optional(SiteScope),
    extension: Type.Optional(Extension),
    endpoint: Type.Optional(Nullable(Endpoint)),
    /** Setting a password or disabling a user ends all of the user's sessions. */
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateUserRequest = Type.Static<typeof UpdateUserRequest>;

export const LoginRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export type LoginRequest = Type.Static<typeof LoginRequest>;
export const loginRequestValidator = validator<LoginRequest>('login', LoginRequest);

export const HubSiteRef = Type.Object(
  { id: SafeId, name: Name, gatewayUrl: Type.String() },
  { additionalProperties: false },
);
export type HubSiteRef = Type.Static<typeof HubSiteRef>;

export const OperatorToken = Type.Object(
  {
    /** EdDSA JWT with the claims of `OperatorTokenClaims`, for the site gateway and this API. */
    token: Type.String(),
    expiresAt: IsoTime,
  },
  { additionalProperties: false },
);
export type OperatorToken = Type.Static<typeof OperatorToken>;

export const SessionInfo = Type.Object(
  {
    user: HubUser,
    /** The user's site (null for `*`): where the panel opens the gateway WebSocket. */
    site: Nullable(HubSiteRef),
    /** Send as `X-CSRF-Token` on every POST/PUT/PATCH/DELETE made with the session cookie. */
    csrfToken: Type.String(),
    sessionExpiresAt: IsoTime,
    /**
     * `site`: a site-only login at the gateway during a WAN outage (telephony only; the CRM is
     * not reachable from there). Absent means the hub.
     */
    issuedBy: Type.Optional(Type.Union([Type.Literal('hub'), Type.Literal('site')])),
  },
  { additionalProperties: false },
);
export type SessionInfo = Type.Static<typeof SessionInfo>;
export const sessionInfoValidator = validator<SessionInfo>('session', SessionInfo);

export const LoginResponse = Type.Object(
  { session: SessionInfo, token: OperatorToken },
  { additionalProperties: false },
);
export type LoginResponse = Type.Static<typeof LoginResponse>;
export const loginResponseValidator = validator<LoginResponse>('login response', LoginResponse);

export const ChangePasswordRequest = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Type.Static<typeof ChangePasswordRequest>;

/** One published token key (RFC 8037 OKP, Ed25519). */
export const PublicJwk = Type.Object(
  {
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Type.String(),
    kid: Type.String(),
    alg: Type.Literal('EdDSA'),
    use: Type.Literal('sig'),
  },
  { additionalProperties: false },
);
export type PublicJwk = Type.Static<typeof PublicJwk>;

/** The key set gateways cache on disk and pass to jose's `createLocalJWKSet`. */
export const PublicJwks = Type.Object({ keys: Type.Array(PublicJwk) }, { additionalProperties: false });
export type PublicJwks = Type.Static<typeof PublicJwks>;
export const publicJwksValidator = validator<PublicJwks>('key set', PublicJwks);

export const SigningKeyInfo = Type.Object(
  {
    kid: Type.String(),
    createdAt: IsoTime,
    /** When it starts (or started) signing tokens. */
    activatesAt: IsoTime,
    state: Type.Union([
      Type.Literal('upcoming'),
      Type.Literal('current'),
      Type.Literal('previous'),
      Type.Literal('expired'),
    ]),
    published: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SigningKeyInfo = Type.Static<typeof SigningKeyInfo>;

export const RotateKeysRequest = Type.Object(
  {
    /**
     * Sign with the new key at once (after a suspected leak). Gateways that have not refreshed
     * their key set yet reject the new tokens until they do.
     */
    immediate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RotateKeysRequest = Type.Static<typeof RotateKeysRequest>;

// ---- sites, queues, directory -----------------------------------------------------------

export const HubSite = Type.Object(
  {
    id: SafeId,
    name: Name,
    /** What browsers use to reach the site's gateway (`https://gw.tallinn.example.com`). */
    gatewayUrl: Type.String(),
    timeZone: TimeZone,
    /** Country for numbers typed without a country code by this site's users. */
    defaultCountry: Nullable(Country),
    hasCredential: Type.Boolean(),
    credentialIssuedAt: Nullable(IsoTime),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type HubSite = Type.Static<typeof HubSite>;

const GatewayUrl = Type.String({ minLength: 1, maxLength: 500, pattern: '^(https?|wss?)://[^\\s]+$' });

export const CreateSiteRequest = Type.Object(
  {
    id: SafeId,
    name: Name,
    gatewayUrl: GatewayUrl,
    timeZone: Type.Optional(TimeZone),
    defaultCountry: Type.Optional(Nullable(Country)),
  },
  { additionalProperties: false },
);
export type CreateSiteRequest = Type.Static<typeof CreateSiteRequest>;

export const UpdateSiteRequest = Type.Object(
  {
    name: Type.Optional(Name),
    gatewayUrl: Type.Optional(GatewayUrl),
    timeZone: Type.Optional(TimeZone),
    defaultCountry: Type.Optional(Nullable(Country)),
  },
  { additionalProperties: false },
);
export type UpdateSiteRequest = Type.Static<typeof UpdateSiteRequest>;

export const SiteCredentialResponse = Type.Object(
  {
    site: SafeId,
    /** Shown once: the hub keeps only a hash. Put it in the gateway's `hub.credentialFile`. */
    credential: Type.String(),
    issuedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type SiteCredentialResponse = Type.Static<typeof SiteCredentialResponse>;

export const HubQueue = Type.Object(
  {
    site: SafeId,
    name: SiteQueue.properties.name,
    label: SiteQueue.properties.label,
    /** User ids of the operators in the queue. */
    members: Type.Array(SafeId),
  },
  { additionalProperties: false },
);
export type HubQueue = Type.Static<typeof HubQueue>;

export const PutQueueRequest = Type.Object({ label: SiteQueue.properties.label }, { additionalProperties: false });
export type PutQueueRequest = Type.Static<typeof PutQueueRequest>;

/**
 * What a site's gateway gets from the hub: its operators with their queues, and the queues with
 * the labels operators see. The gateway merges it over its own config file.
 */
export const SiteDirectory = Type.Object(
  {
    site: SafeId,
    name: Name,
    operators: Type.Array(SiteOperator),
    queues: Type.Array(SiteQueue),
    dispositions: Type.Array(DispositionOption),
    generatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type SiteDirectory = Type.Static<typeof SiteDirectory>;
export const siteDirectoryValidator = validator<SiteDirectory>('site directory', SiteDirectory);

/**
 * A password verifier for the site-only login when the WAN is down: the scrypt hash, never the
 * password. Format: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64>$<key, base64>`; the key is
 * 32 bytes of `scrypt(password, salt, 32, { N: 2 ** ln, r, p })`; compare in constant time.
 */
export const CredentialVerifier = Type.Object(
  {
    userId: SafeId,
    name: Name,
    role: Role,
    site: SiteScope,
    extension: Extension,
    verifier: Type.String({ pattern: '^\\$scrypt\\$ln=\\d+,r=\\d+,p=\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$' }),
    passwordChangedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type CredentialVerifier = Type.Static<typeof CredentialVerifier>;

export const SiteCredentialVerifiers = Type.Object(
  { site: SafeId, generatedAt: IsoTime, users: Type.Array(CredentialVerifier) },
  { additionalProperties: false },
);
export type SiteCredentialVerifiers = Type.Static<typeof SiteCredentialVerifiers>;
export const siteCredentialVerifiersValidator = validator<SiteCredentialVerifiers>(
  'credential verifiers',
  SiteCredentialVerifiers,
);

// ---- contacts ---------------------------------------------------------------------------

export const ContactPhone = Type.Object(
  {
    /** E.164 (`+3725551234`). */
    number: Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$' }),
    label: Type.String({ maxLength: 40 }),
  },
  { additionalProperties: false },
);
export type ContactPhone = Type.Static<typeof ContactPhone>;

export const Contact = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    company: Type.String(),
    email: Type.String(),
    notes: Type.String(),
    /** The contact's id in an external CRM, unique; CSV imports update by it. */
    externalId: Nullable(Type.String()),
    phones: Type.Array(ContactPhone),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type Contact = Type.Static<typeof Contact>;

const PhoneInput = Type.Object(
  {
    /** As typed; normalised to E.164 with the user's site country (or `contacts.defaultCountry`). */
    number: Type.String({ minLength: 1, maxLength: 40 }),
    label: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

const ContactFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  company: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 200 }),
  notes: Type.String({ maxLength: 10000 }),
  externalId: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  phones: Type.Array(PhoneInput, { maxItems: 20 }),
};

export const CreateContactRequest = Type.Object(
  {
    name: ContactFields.name,
    company: Type.Optional(ContactFields.company),
    email: Type.Optional(ContactFields.email),
    notes: Type.Optional(ContactFields.notes),
    externalId: Type.Optional(ContactFields.externalId),
    phones: Type.Optional(ContactFields.phones),
  },
  { additionalProperties: false },
);
export type CreateContactRequest = Type.Static<typeof CreateContactRequest>;

/** Only the fields given change; `phones`, when given, replaces the whole list. */
export const UpdateContactRequest = Type.Object(
  {
    name: Type.Optional(ContactFields.name),
    company: Type.Optional(ContactFields.company),
    email: Type.Optional(ContactFields.email),
    notes: Type.Optional(ContactFields.notes),
    externalId: Type.Optional(ContactFields.externalId),
    phones: Type.Optional(ContactFields.phones),
  },
  { additionalProperties: false },
);
export type UpdateContactRequest = Type.Static<typeof UpdateContactRequest>;

export const ContactLookupResponse = Type.Object(
  {
    /** The number as looked up, in E.164. */
    number: Type.String(),
    /** Every contact with that number (usually one), by name. */
    contacts: Type.Array(Contact),
  },
  { additionalProperties: false },
);
export type ContactLookupResponse = Type.Static<typeof ContactLookupResponse>;

export const ImportProblem = Type.Object(
  {
    /** 1-based line of the CSV file (the header is line 1). */
    line: Type.Integer(),
    problems: Type.Array(ApiFieldProblem),
  },
  { additionalProperties: false },
);
export type ImportProblem = Type.Static<typeof ImportProblem>;

export const ImportContactsResponse = Type.Object(
  {
    created: Type.Integer(),
    updated: Type.Integer(),
    /** Lines not imported, each with the reason; the other lines were imported. */
    rejected: Type.Array(ImportProblem),
  },
  { additionalProperties: false },
);
export type ImportContactsResponse = Type.Static<typeof ImportContactsResponse>;

// ---- calls ------------------------------------------------------------------------------

export const CallDisposition = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    notes: Type.String(),
    /** Who saved it. */
    savedBy: Type.String(),
    savedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type CallDisposition = Type.Static<typeof CallDisposition>;

export const HubCall = Type.Object(
  {
    record: CallRecord,
    disposition: Nullable(CallDisposition),
    /** When the hub first stored the record, and last replaced it with a more complete version. */
    receivedAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type HubCall = Type.Static<typeof HubCall>;

export const SaveDispositionRequest = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 40 }), notes: Type.Optional(Type.String({ maxLength: 10000 })) },
  { additionalProperties: false },
);
export type SaveDispositionRequest = Type.Static<typeof SaveDispositionRequest>;
export const saveDispositionRequestValidator = validator<SaveDispositionRequest>('disposition', SaveDispositionRequest);

/**
 * The site gateway's answer (202) to a disposition saved during a WAN outage: kept at the site
 * and forwarded to the hub once the link is back (docs/uplink.md, "Working through an outage").
 */
export const DispositionQueued = Type.Object(
  { recordId: Type.String(), code: Type.String(), queuedAt: IsoTime, forwardedBy: Type.Literal('site') },
  { additionalProperties: false },
);
export type DispositionQueued = Type.Static<typeof DispositionQueued>;

export const CallListQuery = Type.Object(
  {
    site: Type.Optional(SafeId),
    operator: Type.Optional(SafeId),
    direction: Type.Optional(CallRecord.properties.direction),
    outcome: Type.Optional(CallRecord.properties.outcome),
    /** Calls that started at or after this time. */
    from: Type.Optional(IsoTime),
    /** Calls that started before this time. */
    to: Type.Optional(IsoTime),
    /** Calls with any of this contact's numbers. */
    contact: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CallListQuery = Type.Static<typeof CallListQuery>;

// ---- record ingest and dead letters -----------------------------------------------------

export const IngestResultKind = Type.Union([
  /** First time the hub saw this record. */
  Type.Literal('stored'),
  /** The hub already has this record, or a more complete version of it; nothing changed. */
  Type.Literal('duplicate'),
  /** A more complete version (e.g. incomplete → complete) replaced the stored one. */
  Type.Literal('replaced'),
  /** Invalid: kept in the dead-letter table with the reason, not stored as a call. */
  Type.Literal('dead-lettered'),
]);
export type IngestResultKind = Type.Static<typeof IngestResultKind>;

export const IngestResult = Type.Object(
  {
    recordId: Nullable(Type.String()),
    result: IngestResultKind,
    deadLetterId: Type.Optional(Type.Integer()),
    problems: Type.Optional(Type.Array(ApiFieldProblem)),
  },
  { additionalProperties: false },
);
export type IngestResult = Type.Static<typeof IngestResult>;

export const IngestRequest = Type.Object(
  {
    /** Call records (contracts `CallRecord`); each is validated on its own. */
    records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type IngestRequest = Type.Static<typeof IngestRequest>;

export const IngestResponse = Type.Object({ results: Type.Array(IngestResult) }, { additionalProperties: false });
export type IngestResponse = Type.Static<typeof IngestResponse>;

export const DeadLetter = Type.Object(
  {
    id: Type.Integer(),
    receivedAt: IsoTime,
    /** `site:<id>` for the uplink, `user:<id>` for the HTTP endpoint. */
    source: Type.String(),
    recordId: Nullable(Type.String()),
    reason: Type.String(),
    problems: Type.Array(ApiFieldProblem),
    /** The record exactly as received (JSON). */
    payload: Type.String(),
  },
  { additionalProperties: false },
);
export type DeadLetter = Type.Static<typeof DeadLetter>;

// ---- audit, webhooks --------------------------------------------------------------------

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: IsoTime,
    /** `user:<id>`, `cli:<os user>`, `site:<id>` or `system`. */
    actor: Type.String(),
    /** `user.create`, `site.credential.rotate`, `keys.rotate`, … (docs/hub.md). */
    action: Type.String(),
    target: Type.String(),
    /** What changed; never a password, token or credential. */
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type AuditEntry = Type.Static<typeof AuditEntry>;

export const WebhookEventType = Type.Union([
  Type.Literal('call.offered'),
  Type.Literal('call.answered'),
  Type.Literal('call.completed'),
  Type.Literal('disposition.saved'),
]);
export type WebhookEventType = Type.Static<typeof WebhookEventType>;

export const Webhook = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(WebhookEventType),
    active: Type.Boolean(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type Webhook = Type.Static<typeof Webhook>;

const WebhookUrl = Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://[^\\s]+$' });

export const CreateWebhookRequest = Type.Object(
  {
    url: WebhookUrl,
    events: Type.Array(WebhookEventType, { minItems: 1, maxItems: 4, uniqueItems: true }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateWebhookRequest = Type.Static<typeof CreateWebhookRequest>;

export const UpdateWebhookRequest = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(Type.Array(WebhookEventType, { minItems: 1, maxItems: 4, uniqueItems: true })),
    active: Type.Optional(Type.Boolean()),
    /** Make a new signing secret (returned once). */
    rotateSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateWebhookRequest = Type.Static<typeof UpdateWebhookRequest>;

export const WebhookWithSecret = Type.Object(
  {
    webhook: Webhook,
    /** Shown when created or rotated: the HMAC key the receiver verifies signatures with. */
    secret: Type.String(),
  },
  { additionalProperties: false },
);
export type WebhookWithSecret = Type.Static<typeof WebhookWithSecret>;

export const WebhookDeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);
export type WebhookDeliveryStatus = Type.Static<typeof WebhookDeliveryStatus>;

export const WebhookAttempt = Type.Object(
  {
    at: IsoTime,
    /** The receiver's HTTP status; null when no response came. */
    statusCode: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    durationMs: Type.Integer(),
  },
  { additionalProperties: false },
);
export type WebhookAttempt = Type.Static<typeof WebhookAttempt>;

export const WebhookDelivery = Type.Object(
  {
    id: Type.Integer(),
    webhookId: Type.String(),
    eventId: Type.String(),
    eventType: WebhookEventType,
    status: WebhookDeliveryStatus,
    attempts: Type.Integer(),
    nextAttemptAt: Nullable(IsoTime),
    createdAt: IsoTime,
    deliveredAt: Nullable(IsoTime),
    /** Newest first; the delivery log. */
    log: Type.Array(WebhookAttempt),
  },
  { additionalProperties: false },
);
export type WebhookDelivery = Type.Static<typeof WebhookDelivery>;

// ---- health -----------------------------------------------------------------------------

export const ReadinessResponse = Type.Object(
  {
    ready: Type.Boolean(),
    database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.String()])),
  },
  { additionalProperties: false },
);
export type ReadinessResponse = Type.Static<typeof ReadinessResponse>;
