/**
 * pbx-sim's configuration file (`callgate sim --config FILE`, YAML or JSON) and the bodies of
 * its HTTP control interface. Every field is documented in docs/pbx-sim.md; an error names the
 * field and the reason.
 *
 * A file describes one or more simulated sites, each an Asterisk with its own AMI port, its
 * operators, queues, lines and trunk numbers, and optionally a load generator.
 */
import Type from 'typebox';
import Value from 'typebox/value';
import { validator, type FieldProblem, type Result, ContractError } from './validate.js';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });
const Digits = Type.String({ minLength: 2, maxLength: 20, pattern: '^\\+?[0-9]+$' });
const Extension = Type.String({ minLength: 1, maxLength: 10, pattern: '^[0-9]+$' });
const QueueName = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' });
/** A display name: printable, no quotes or angle brackets (they delimit caller ids). */
const DisplayName = Type.String({ maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f"<>]*$' });
const Seconds = Type.Number({ minimum: 0, maximum: 86_400 });

/** A random duration, in seconds. */
export const SimDistribution = Type.Union([
  Type.Object({ kind: Type.Literal('fixed'), value: Seconds }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('uniform'), min: Seconds, max: Seconds }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('exponential'), mean: Seconds }, { additionalProperties: false }),
  /** Log-normal around `median` (talk times are long-tailed); `sigma` is the log-space spread. */
  Type.Object(
    { kind: Type.Literal('lognormal'), median: Seconds, sigma: Type.Number({ minimum: 0, maximum: 5 }) },
    { additionalProperties: false },
  ),
]);
export type SimDistribution = Type.Static<typeof SimDistribution>;

export const SimNumberBehaviour = Type.Object(
  {
    mode: Type.Union(
      [Type.Literal('answer'), Type.Literal('busy'), Type.Literal('never'), Type.Literal('unavailable')],
      {
        default: 'answer',
      },
    ),
    answerAfterSeconds: Type.Number({ minimum: 0, maximum: 300, default: 2 }),
    /** The customer hangs up this long after answering; absent: stays until the operator hangs up. */
    hangupAfterSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type SimNumberBehaviour = Type.Static<typeof SimNumberBehaviour>;

export const SimAmiUser = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' }),
    /** File holding the secret (first line); preferred, so the config can be committed. */
    secretFile: Type.Optional(Type.String({ minLength: 1 })),
    /** The secret inline, for throw-away demo configs. */
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })),
    /** manager.conf classes, e.g. `all` or `call,reporting`. */
    read: Type.String({ default: 'all', pattern: '^[a-z,]+$' }),
    write: Type.String({ default: 'all', pattern: '^[a-z,]+$' }),
  },
  { additionalProperties: false },
);
export type SimAmiUser = Type.Static<typeof SimAmiUser>;

export const SimQueueConfig = Type.Object(
  {
    name: QueueName,
    strategy: Type.Union([Type.Literal('ringall'), Type.Literal('rrmemory')], { default: 'rrmemory' }),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 15 }),
    retrySeconds: Type.Integer({ minimum: 0, maximum: 600, default: 2 }),
    ringInUse: Type.Boolean({ default: false }),
    wrapupSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 0 }),
    serviceLevelSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 60 }),
  },
  { additionalProperties: false },
);
export type SimQueueConfig = Type.Static<typeof SimQueueConfig>;

export const SimSiteConfig = Type.Object(
  {
    id: Id,
    /** `asterisk-22` (PJSIP) or `asterisk-20-chansip` (chan_sip). */
    flavour: Type.Union([Type.Literal('asterisk-22'), Type.Literal('asterisk-20-chansip')], { default: 'asterisk-22' }),
    /** Use the recordings' lab world (phones 1001–1004, queues support/sales) instead of the fields below. */
    lab: Type.Boolean({ default: false }),
    ami: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        /** 0 lets the OS pick; the chosen port is printed and shown by `GET /sites`. */
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 5038 }),
        users: Type.Array(SimAmiUser, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    /** Seeds everything random on this site: the same seed replays the same run. */
    seed: Type.Integer({ minimum: 0, maximum: 4_294_967_295, default: 1 }),
    operators: Type.Object(
      {
        count: Type.Integer({ minimum: 0, maximum: 5000, default: 10 }),
        firstExtension: Extension,
        namePrefix: DisplayName,
        registered: Type.Boolean({ default: true }),
        /** Queues every operator is a member of. */
        queues: Type.Array(QueueName, { default: [] }),
        /** `answer` (after `answerAfterSeconds`, the load generator's operators), or `manual` (the control API answers). */
        mode: Type.Union([Type.Literal('answer'), Type.Literal('manual'), Type.Literal('never')], {
          default: 'answer',
        }),
        answerAfterSeconds: Type.Optional(SimDistribution),
        /** Operators answer click-to-call Originates carrying the auto-answer header. */
        autoAnswer: Type.Boolean({ default: true }),
        /** Phones hold or resume on an in-dialog NOTIFY `Event: hold` / `Event: talk` (remote control allowed). */
        remoteHold: Type.Boolean({ default: true }),
      },
      { additionalProperties: false, default: { firstExtension: '2001', namePrefix: 'Operator ' } },
    ),
    queues: Type.Array(SimQueueConfig, { default: [] }),
    /**
     * Lines (DIDs) and where `from-pstn` sends them: `queue` (Answer, Queue) or `extension`, one
     * operator's phone (Dial without Answer). Exactly one of the two (parseSimConfig checks it).
     */
    lines: Type.Array(
      Type.Object(
        { number: Digits, queue: Type.Optional(QueueName), extension: Type.Optional(Extension) },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    trunk: Type.Object(
      {
        name: Type.String({ default: 'pstn', pattern: '^[A-Za-z0-9_-]+$' }),
        defaultNumber: Type.Optional(SimNumberBehaviour),
        numbers: Type.Record(Type.String({ pattern: '^\\+?[0-9]+$' }), SimNumberBehaviour, { default: {} }),
      },
      { additionalProperties: false, default: {} },
    ),
    load: Type.Optional(
      Type.Object(
        {
          /** Mean rate of new customer calls (Poisson arrivals). */
          callsPerSecond: Type.Number({ minimum: 0, maximum: 1000 }),
          /** Lines to call, chosen uniformly; default every line of the site. */
          lines: Type.Optional(Type.Array(Digits)),
          talkSeconds: SimDistribution,
          /** How long a customer waits in the queue before hanging up. */
          patienceSeconds: SimDistribution,
          /** Prefix of generated customer numbers; the rest is random digits up to 11 digits. */
          callerPrefix: Type.String({ default: '7916', pattern: '^[0-9]{1,10}$' }),
          /** Stop generating after this long; absent or 0: until stopped. */
          durationSeconds: Type.Optional(Type.Number({ minimum: 0 })),
          /** Start generating as soon as the site is up (else: `POST /sites/:id/load`). */
          autostart: Type.Boolean({ default: true }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SimSiteConfig = Type.Static<typeof SimSiteConfig>;

export const SimConfig = Type.Object(
  {
    sites: Type.Array(SimSiteConfig, { minItems: 1, maxItems: 20 }),
    /** The HTTP control interface; absent: no HTTP interface. */
    control: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1, default: '127.0.0.1' }),
          port: Type.Integer({ minimum: 0, maximum: 65535, default: 8090 }),
          /** File holding a bearer token every request must carry; required off loopback. */
          tokenFile: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], {
      default: 'info',
    }),
  },
  { additionalProperties: false },
);
export type SimConfig = Type.Static<typeof SimConfig>;

export const simConfigValidator = validator<SimConfig>('simulator configuration', SimConfig);

/** Applies defaults, validates, then checks what a schema cannot (unique ids and ports, queue names). */
export function parseSimConfig(input: unknown): Result<SimConfig> {
  const parsed = simConfigValidator.parse(Value.Default(SimConfig, structuredClone(input)));
  if (!parsed.ok) return parsed;
  const config = parsed.value;
  const problems: FieldProblem[] = [];
  const ids = new Map<string, number>();
  const ports = new Map<number, number>();
  config.sites.forEach((site, i) => {
    const prev = ids.get(site.id);
    if (prev !== undefined)
      problems.push({ path: `sites[${i}].id`, reason: `duplicates sites[${prev}].id "${site.id}"` });
    ids.set(site.id, i);
    if (site.ami.port !== 0) {
      const p = ports.get(site.ami.port);
      if (p !== undefined) problems.push({ path: `sites[${i}].ami.port`, reason: `duplicates sites[${p}].ami.port` });
      ports.set(site.ami.port, i);
    }
    site.ami.users.forEach((u, j) => {
      if ((u.secret === undefined) === (u.secretFile === undefined)) {
        problems.push({ path: `sites[${i}].ami.users[${j}]`, reason: 'needs exactly one of secret or secretFile' });
      }
    });
    site.lines.forEach((l, j) => {
      if ((l.queue === undefined) === (l.extension === undefined)) {
        problems.push({ path: `sites[${i}].lines[${j}]`, reason: 'needs exactly one of queue or extension' });
      }
    });
    if (site.lab) return;
    const queues = new Set(site.queues.map((q) => q.name));
    site.operators.queues.forEach((q, j) => {
      if (!queues.has(q))
        problems.push({ path: `sites[${i}].operators.queues[${j}]`, reason: `queue "${q}" is not in queues` });
    });
    const extensions = operatorExtensions(site.operators);
    site.lines.forEach((l, j) => {
      if (l.queue !== undefined && !queues.has(l.queue))
        problems.push({ path: `sites[${i}].lines[${j}].queue`, reason: `queue "${l.queue}" is not in queues` });
      if (l.extension !== undefined && !extensions.has(l.extension)) {
        problems.push({
          path: `sites[${i}].lines[${j}].extension`,
          reason: `extension "${l.extension}" is not an operator's (operators are ${describeRange(extensions)})`,
        });
      }
    });
    const lines = new Set(site.lines.map((l) => l.number));
    site.load?.lines?.forEach((l, j) => {
      if (!lines.has(l)) problems.push({ path: `sites[${i}].load.lines[${j}]`, reason: `line "${l}" is not in lines` });
    });
    if (site.load && site.load.callsPerSecond > 0 && site.lines.length === 0) {
      problems.push({ path: `sites[${i}].load`, reason: 'a load needs at least one line' });
    }
  });
  if (problems.length > 0) return { ok: false, error: new ContractError('simulator configuration', problems) };
  return { ok: true, value: config };
}

/** The extensions `operators` numbers: `count` of them from `firstExtension`, same width. */
function operatorExtensions(ops: SimSiteConfig['operators']): Set<string> {
  const first = Number(ops.firstExtension);
  const width = ops.firstExtension.length;
  const out = new Set<string>();
  for (let k = 0; k < ops.count; k++) out.add(String(first + k).padStart(width, '0'));
  return out;
}

function describeRange(extensions: Set<string>): string {
  const all = [...extensions];
  if (all.length === 0) return 'none: operators.count is 0';
  return all.length === 1 ? String(all[0]) : `${all[0]}–${all.at(-1)}`;
}

// ---- HTTP control interface bodies (docs/pbx-sim.md, "HTTP control") -----------------------

export const SimCustomerCallRequest = Type.Object(
  {
    from: Digits,
    name: Type.Optional(DisplayName),
    /** The line (DID) to call; default the site's first line. */
    line: Type.Optional(Digits),
    patienceSeconds: Type.Optional(Seconds),
    talkSeconds: Type.Optional(Seconds),
  },
  { additionalProperties: false },
);
export type SimCustomerCallRequest = Type.Static<typeof SimCustomerCallRequest>;
export const simCustomerCallRequestValidator = validator<SimCustomerCallRequest>(
  'customer call',
  SimCustomerCallRequest,
);

export const SimTransferRequest = Type.Object(
  {
    exten: Type.String({ minLength: 1, maxLength: 20, pattern: '^\\+?[0-9]+$' }),
    attended: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type SimTransferRequest = Type.Static<typeof SimTransferRequest>;
export const simTransferRequestValidator = validator<SimTransferRequest>('transfer', SimTransferRequest);

export const SimLoadRequest = Type.Object(
  { callsPerSecond: Type.Number({ minimum: 0, maximum: 1000 }) },
  { additionalProperties: false },
);
export type SimLoadRequest = Type.Static<typeof SimLoadRequest>;
export const simLoadRequestValidator = validator<SimLoadRequest>('load change', SimLoadRequest);

export const simNumberBehaviourValidator = validator<SimNumberBehaviour>('number behaviour', SimNumberBehaviour);

/** Every error body of the control interface: `{ "error": { "code": "SIM_ERR_…", "message": "…" } }`. */
export const SimErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }) },
  { additionalProperties: false },
);
export type SimErrorBody = Type.Static<typeof SimErrorBody>;
