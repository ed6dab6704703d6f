/**
 * The hub's configuration file (YAML or JSON), validated at start. Every field is documented in
 * docs/configuration.md ("Hub"); environment variables and `callgate hub` flags override the
 * file (docs/hub.md). An error names the field and the reason.
 *
 * Secrets are never inline: the database password belongs in `DATABASE_URL` or the PostgreSQL
 * service file, not here, so the file can be shared and committed.
 */
import Type from 'typebox';
import Value from 'typebox/value';
import { validator, type Result } from './validate.js';

const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$' });

export const DispositionOption = Type.Object(
  {
    /** Stored with the call and sent in `disposition.saved` webhooks. */
    code: Code,
    /** What the operator sees in the wrap-up form. */
    label: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type DispositionOption = Type.Static<typeof DispositionOption>;

export const DEFAULT_DISPOSITIONS: DispositionOption[] = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'callback', label: 'Call back' },
  { code: 'sale', label: 'Sale' },
  { code: 'complaint', label: 'Complaint' },
  { code: 'wrong-number', label: 'Wrong number' },
  { code: 'other', label: 'Other' },
];

const LogLevel = Type.Union(
  [Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')],
  { default: 'info' },
);

export const HubConfig = Type.Object(
  {
    listen: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * The URL browsers use (`https://crm.example.com`). Its origin is the only one allowed to open
     * the live WebSocket with a session cookie; `https` also makes the session cookie `Secure`.
     */
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^/\\s]+/?$' })),
    /** Where the SQLite database lives when `database.url` is not a PostgreSQL URL. */
    dataDir: Type.String({ minLength: 1, default: './data/hub' }),
    database: Type.Object(
      {
        /**
         * `postgres://user@host:5432/db` for PostgreSQL, or a SQLite file path. Absent: the
         * SQLite file `<dataDir>/hub.sqlite`. `DATABASE_URL` overrides it.
         */
        url: Type.Optional(Type.String({ minLength: 1 })),
        /** PostgreSQL schema to use (created if missing); default `public`. */
        schema: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z_][a-z0-9_]*$' })),
      },
      { additionalProperties: false, default: {} },
    ),
    tokens: Type.Object(
      {
        /** Lifetime of an operator token (the JWT the gateway verifies); renew before it ends. */
        ttlSeconds: Type.Integer({ minimum: 60, maximum: 86400, default: 900 }),
        /** A new signing key is made this often. */
        rotationDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
        /**
         * A new key is published this long before it signs anything, so gateways that refresh
         * their cached key set at least this often never meet a token they cannot verify.
         */
        prepublishHours: Type.Integer({ minimum: 0, maximum: 720, default: 24 }),
      },
      { additionalProperties: false, default: {} },
    ),
    sessions: Type.Object(
      {
        /** A hub login lasts this long; renewing tokens does not extend it. */
        ttlHours: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
        /** Marks the session cookie `Secure`; default: true when `publicUrl` is https. */
        secureCookie: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false, default: {} },
    ),
    login: Type.Object(
      {
        /** Failed logins for one account name within the window before it is refused. */
        maxFailuresPerAccount: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
        /** Failed logins from one address within the window before it is refused. */
        maxFailuresPerAddress: Type.Integer({ minimum: 1, maximum: 100000, default: 50 }),
        windowSeconds: Type.Integer({ minimum: 1, maximum: 86400, default: 900 }),
      },
      { additionalProperties: false, default: {} },
    ),
    passwords: Type.Object(
      { minLength: Type.Integer({ minimum: 8, maximum: 128, default: 10 }) },
      { additionalProperties: false, default: {} },
    ),
    contacts: Type.Object(
      {
        /** ISO 3166 country for numbers written without a country code, when the user's site has none. */
        defaultCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
      },
      { additionalProperties: false, default: {} },
    ),
    limits: Type.Object(
      {
        /** Largest JSON request body. */
        bodyBytes: Type.Integer({ minimum: 1024, maximum: 104857600, default: 1048576 }),
        /** Largest CSV contact import. */
        importBytes: Type.Integer({ minimum: 1024, maximum: 1073741824, default: 52428800 }),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        /** Attempts before a delivery is marked failed (it can be replayed later). */
        maxAttempts: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
        /** Waits between attempts; the last one repeats. */
        backoffSeconds: Type.Array(Type.Number({ minimum: 0 }), {
          minItems: 1,
          default: [10, 30, 60, 300, 900, 1800, 3600],
        }),
        timeoutSeconds: Type.Number({ minimum: 0.1, maximum: 300, default: 10 }),
        /** Deliveries sent at the same time. */
        concurrency: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
      },
      { additionalProperties: false, default: {} },
    ),
    dispositions: Type.Array(DispositionOption, { minItems: 1, maxItems: 200, default: DEFAULT_DISPOSITIONS }),
    liveView: Type.Object(
      {
        /** A queued call answered within this many seconds counts toward the service level. */
        serviceLevelSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 20 }),
        /** Changes are sent to supervisors at most this often (one frame per tick). */
        tickMs: Type.Integer({ minimum: 10, maximum: 5000, default: 200 }),
        /** A supervisor socket with more unsent bytes than this is closed (it reconnects for a snapshot). */
        maxBufferedBytes: Type.Integer({ minimum: 65536, maximum: 268435456, default: 4194304 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** The operator panel's built bundle; default `packages/panel/dist`. */
    panelDir: Type.Optional(Type.String({ minLength: 1 })),
    /** Trust `X-Forwarded-For` (behind a reverse proxy) for the client address used in rate limits. */
    trustProxy: Type.Boolean({ default: false }),
    metrics: Type.Object({ enabled: Type.Boolean({ default: true }) }, { additionalProperties: false, default: {} }),
    logLevel: LogLevel,
  },
  { additionalProperties: false },
);
export type HubConfig = Type.Static<typeof HubConfig>;

export const hubConfigValidator = validator<HubConfig>('hub configuration', HubConfig);

/** Applies defaults, then validates. `{}` is a valid file: every field has a default. */
export function parseHubConfig(input: unknown): Result<HubConfig> {
  const withDefaults = Value.Default(HubConfig, structuredClone(input ?? {}));
  return hubConfigValidator.parse(withDefaults);
}
