/**
 * The site gateway's configuration file (YAML or JSON), validated at start. Every field is
 * documented in docs/configuration.md; an error names the field and the reason.
 *
 * Secrets are never inline: the AMI secret and the site credential are read from files
 * (`secretFile`, `credentialFile`) so configs can be shared and committed.
 */
import Type from 'typebox';
import Value from 'typebox/value';
import { ContractError, validator, type FieldProblem, type Result } from './validate.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });
/** Ids appear in URLs, logs and tokens: keep them to a safe alphabet. */
export const SafeId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });
/** Asterisk channel technology + resource, e.g. `PJSIP/1001` or `SIP/1001`. */
const Endpoint = Type.String({ minLength: 3, maxLength: 80, pattern: '^[A-Za-z0-9]+/[A-Za-z0-9_.@-]+$' });
const Extension = Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9*#]+$' });
const QueueName = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' });
const Context = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' });

export const SiteOperator = Type.Object(
  {
    id: SafeId,
    name: Name,
    extension: Extension,
    endpoint: Endpoint,
    queues: Type.Array(QueueName, { default: [] }),
  },
  { additionalProperties: false },
);
export type SiteOperator = Type.Static<typeof SiteOperator>;

export const SiteQueue = Type.Object(
  {
    name: QueueName,
    /** What operators see instead of the queue name ("Support line"). */
    label: Name,
  },
  { additionalProperties: false },
);
export type SiteQueue = Type.Static<typeof SiteQueue>;

export const SiteLine = Type.Object(
  {
    /** The DID as Asterisk sees it in the inbound channel's Exten. */
    number: Type.String({ minLength: 1, maxLength: 32, pattern: '^\\+?[0-9]+$' }),
    label: Name,
  },
  { additionalProperties: false },
);
export type SiteLine = Type.Static<typeof SiteLine>;

export const AutoAnswerMethod = Type.Union(
  [
    /** PJSIP: `PJSIP_HEADER(add,Call-Info)=<sip:host>;answer-after=0` (Polycom, Yealink, Grandstream, most softphones). */
    Type.Literal('pjsip-call-info'),
    /** PJSIP: `Alert-Info: <http://localhost>;info=alert-autoanswer;delay=0` (Snom, older Cisco). */
    Type.Literal('pjsip-alert-info'),
    /** chan_sip: `SIPADDHEADER=Call-Info: <sip:host>;answer-after=0`. */
    Type.Literal('sip-call-info'),
    /** chan_sip: `SIPADDHEADER=Alert-Info: info=alert-autoanswer`. */
    Type.Literal('sip-alert-info'),
    /** The phone auto-answers by its own configuration; no header is added. */
    Type.Literal('none'),
  ],
  { default: 'pjsip-call-info' },
);
export type AutoAnswerMethod = Type.Static<typeof AutoAnswerMethod>;

export const SiteConfig = Type.Object(
  {
    site: Type.Object({ id: SafeId, name: Name }, { additionalProperties: false }),
    ami: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 5038 }),
        username: Type.String({ minLength: 1, maxLength: 80 }),
        /** File holding the AMI secret (first line). */
        secretFile: Type.String({ minLength: 1 }),
        auth: Type.Union([Type.Literal('md5'), Type.Literal('plain')], { default: 'md5' }),
        tls: Type.Boolean({ default: false }),
      },
      { additionalProperties: false },
    ),
    /** Where operators' browsers connect (HTTP + WebSocket on the LAN). */
    listen: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
        /** Public URL browsers use, when behind a proxy. */
        publicUrl: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    operators: Type.Array(SiteOperator, { default: [] }),
    queues: Type.Array(SiteQueue, { default: [] }),
    lines: Type.Array(SiteLine, { default: [] }),
    dialing: Type.Object(
      {
        /** ISO 3166 country for numbers dialled without a country code, e.g. `RU`, `EE`. */
        defaultCountry: Type.String({ minLength: 2, maxLength: 2, pattern: '^[A-Z]{2}$' }),
        /**
         * E.164 prefixes operators may call (`+7`, `+372`); empty means any. Internal
         * extensions of this site are always allowed.
         */
        allowedPrefixes: Type.Array(Type.String({ pattern: '^\\+[0-9]{1,15}$' }), { default: [] }),
        /** Dialplan context click-to-call sends the customer number to. */
        originateContext: Context,
        /** Context of internal extensions, used for transfers to colleagues. */
        internalContext: Context,
        /**
         * How the customer number is written into the dialplan: `e164` (+79161234567),
         * `e164-digits` (79161234567, as in the recordings), `national` (89161234567).
         */
        dialFormat: Type.Union([Type.Literal('e164'), Type.Literal('e164-digits'), Type.Literal('national')], {
          default: 'e164-digits',
        }),
        /** Seconds the operator's phone may ring on click-to-call before giving up. */
        operatorRingSeconds: Type.Integer({ minimum: 5, maximum: 120, default: 30 }),
      },
      { additionalProperties: false },
    ),
    autoAnswer: Type.Object(
      {
        method: AutoAnswerMethod,
        /** Host part of the Call-Info URI. */
        callInfoHost: Type.String({ default: '127.0.0.1', pattern: '^[A-Za-z0-9.:\\[\\]-]+$' }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Hold from the browser. AMI has no action that holds a channel, so callgate either asks the
     * operator's phone to hold (`phone-notify`: an in-dialog SIP NOTIFY `Event: hold` / `Event:
     * talk`, BroadWorks remote control, which the phone must support and allow) or uses ARI's
     * channel hold (`ari`: calls in a Stasis application only). `none`: the phone's hold key
     * only. docs/asterisk.md, "Hold".
     */
    hold: Type.Object(
      {
        method: Type.Union([Type.Literal('phone-notify'), Type.Literal('ari'), Type.Literal('none')], {
          default: 'none',
        }),
        /** phone-notify: how long the phone has to confirm the hold before the command fails. */
        phoneTimeoutMs: Type.Integer({ minimum: 500, maximum: 30000, default: 4000 }),
        /** ARI base URL on the Asterisk host (http.conf), e.g. http://127.0.0.1:8088. */
        ariUrl: Type.String({ default: 'http://127.0.0.1:8088', pattern: '^https?://' }),
        ariUsername: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
        /** File holding the ARI user's password (ari.conf). */
        ariPasswordFile: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    wrapUp: Type.Object(
      {
        /** Seconds of wrap-up after each call; 0 disables wrap-up. */
        timeoutSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Pause reasons operators can pick (wrap-up is always there). */
    pauseReasons: Type.Array(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }), {
      default: ['break', 'lunch', 'training', 'meeting'],
    }),
    hub: Type.Object(
      {
        /** The hub's uplink URL (wss://hub.example.com/uplink); absent = standalone site. */
        url: Type.Optional(Type.String({ minLength: 1 })),
        /** File with the site credential issued by the hub (`callgate admin site-credential`). */
        credentialFile: Type.Optional(Type.String({ minLength: 1 })),
        /** PEM or JWKS file with the hub's token public key(s); refreshed from the hub when linked. */
        publicKeyFile: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Working through a WAN outage (docs/uplink.md): operators log in at the gateway with the
     * password verifiers the hub sent, and open panels get tokens the gateway signs itself.
     * `outage`: only while the link to the hub is down; `always`: also while it is up; `off`.
     */
    siteLogin: Type.Object(
      {
        mode: Type.Union([Type.Literal('outage'), Type.Literal('always'), Type.Literal('off')], {
          default: 'outage',
        }),
        /** Lifetime of a token the gateway signs. */
        tokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
        /** A site-only login lasts this long (a hub login keeps its own end). */
        sessionHours: Type.Integer({ minimum: 1, maximum: 24, default: 12 }),
        /** The built operator panel the gateway serves; default: the one installed with callgate. */
        panelDir: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Gateway state: outbox, command ids, cached keys. */
    dataDir: Type.String({ minLength: 1, default: './data/gateway' }),
    logLevel: Type.Union(
      [Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')],
      { default: 'info' },
    ),
  },
  { additionalProperties: false },
);
export type SiteConfig = Type.Static<typeof SiteConfig>;

export const siteConfigValidator = validator<SiteConfig>('site configuration', SiteConfig);

/** Default listen ports: hub 8080, gateway 8081, AMI 5038 (Asterisk's own default). */
export const DEFAULT_PORTS = { hubHttp: 8080, gatewayHttp: 8081, ami: 5038 } as const;

/**
 * Applies defaults, validates, then checks what a schema cannot: unique operator ids,
 * extensions and endpoints, and that every queue an operator is in is configured.
 */
export function parseSiteConfig(input: unknown): Result<SiteConfig> {
  const withDefaults = Value.Default(SiteConfig, structuredClone(input));
  const parsed = siteConfigValidator.parse(withDefaults);
  if (!parsed.ok) return parsed;
  const config = parsed.value;
  const problems: FieldProblem[] = [];
  const unique = (field: 'id' | 'extension' | 'endpoint'): void => {
    const seen = new Map<string, number>();
    config.operators.forEach((op, i) => {
      const prev = seen.get(op[field]);
      if (prev !== undefined) {
        problems.push({
          path: `operators[${i}].${field}`,
          reason: `duplicates operators[${prev}].${field} "${op[field]}"`,
        });
      }
      seen.set(op[field], i);
    });
  };
  unique('id');
  unique('extension');
  unique('endpoint');
  const queues = new Set(config.queues.map((q) => q.name));
  config.operators.forEach((op, i) =>
    op.queues.forEach((q, j) => {
      if (!queues.has(q))
        problems.push({ path: `operators[${i}].queues[${j}]`, reason: `queue "${q}" is not in queues` });
    }),
  );
  if (config.hold.method === 'ari') {
    if (!config.hold.ariUsername) problems.push({ path: 'hold.ariUsername', reason: 'is required with method ari' });
    if (!config.hold.ariPasswordFile)
      problems.push({ path: 'hold.ariPasswordFile', reason: 'is required with method ari' });
  }
  if (config.hold.method === 'phone-notify') {
    // PJSIPNotify with Channel sends inside the call's dialog; chan_sip's SIPnotify would need
    // the dialog's Call-ID and is not supported.
    config.operators.forEach((op, i) => {
      if (!/^PJSIP\//i.test(op.endpoint))
        problems.push({ path: `operators[${i}].endpoint`, reason: 'hold method phone-notify needs a PJSIP endpoint' });
    });
  }
  if (problems.length > 0) return { ok: false, error: new ContractError('site configuration', problems) };
  return { ok: true, value: config };
}
