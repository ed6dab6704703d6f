/**
 * The call center the gateway benchmarks run: one site with N operators, their phones in
 * pbx-sim and their accounts in the gateway's site configuration, built from the same list so
 * the two always agree (endpoint `PJSIP/<ext>`, queue membership, lines).
 *
 * Inbound operators are static members of one of the queues (`rrmemory`, as a call center
 * spreads work); each queue has its own line (DID). Outbound operators (click-to-call) are in
 * no queue, so inbound calls never ring them. Phones answer by themselves after a delay that
 * varies from phone to phone (people do not answer at the same speed), and auto-answer
 * click-to-call (recording 06: `answer-after=0`).
 */
import { labWorld, phoneBehaviour, type WorldConfig } from '@callgate/pbx-sim';
import { SeededRandom } from './seeded-random.js';

export interface CallCenterShape {
  site: { id: string; name: string };
  /** Operators answering inbound queue calls. */
  inboundOperators: number;
  /** Operators in no queue, placing click-to-calls. */
  outboundOperators: number;
  queues: number;
  /** Wrap-up after each call (the gateway pauses the operator in their queues meanwhile). */
  wrapUpSeconds: number;
  /** Phones answer a queue call after a delay drawn uniformly from this range. */
  answerAfterMs: [number, number];
  seed: number;
}

export interface CallCenterOperator {
  id: string;
  name: string;
  extension: string;
  endpoint: string;
  queues: string[];
}

export interface CallCenter {
  shape: CallCenterShape;
  operators: CallCenterOperator[];
  queues: string[];
  /** DID → queue. */
  lines: Array<{ number: string; queue: string }>;
  /** Numbers behind the trunk that click-to-call dials (they answer, then hang up). */
  customerNumbers: string[];
}

const FIRST_EXTENSION = 2000;
const FIRST_LINE = 74950000100;

export function callCenter(shape: CallCenterShape): CallCenter {
  const queues = Array.from({ length: shape.queues }, (_, i) => `q${String(i + 1).padStart(2, '0')}`);
  const operators: CallCenterOperator[] = [];
  const total = shape.inboundOperators + shape.outboundOperators;
  for (let i = 0; i < total; i++) {
    const extension = String(FIRST_EXTENSION + i);
    const inbound = i < shape.inboundOperators;
    operators.push({
      id: `op-${extension}`,
      name: `Operator ${extension}`,
      extension,
      endpoint: `PJSIP/${extension}`,
      queues: inbound ? [queues[i % queues.length] ?? 'q01'] : [],
    });
  }
  return {
    shape,
    operators,
    queues,
    lines: queues.map((queue, i) => ({ number: String(FIRST_LINE + i), queue })),
    customerNumbers: Array.from({ length: Math.max(1, shape.outboundOperators) }, (_, i) => String(79990100000 + i)),
  };
}

/** The simulated Asterisk of this call center (the lab's dialplan, more phones and queues). */
export function simWorld(center: CallCenter): WorldConfig {
  const world = labWorld('asterisk-22');
  const random = new SeededRandom(center.shape.seed);
  const [minAnswer, maxAnswer] = center.shape.answerAfterMs;
  world.phones = center.operators.map((op) => ({
    extension: op.extension,
    name: op.name,
    registered: true,
    behaviour: phoneBehaviour({
      mode: 'answer',
      answerAfterMs: Math.round(minAnswer + random.next() * (maxAnswer - minAnswer)),
      autoAnswer: true,
      autoAnswerAfterMs: 300,
    }),
  }));
  world.queues = center.queues.map((name) => ({
    name,
    strategy: 'rrmemory',
    timeoutSeconds: 15,
    retrySeconds: 1,
    ringInUse: false,
    wrapupSeconds: 0,
    serviceLevelSeconds: 20,
    members: center.operators
      .filter((op) => op.queues.includes(name))
      .map((op) => ({ interface: op.endpoint, name: op.name, penalty: 0 })),
  }));
  world.lines = center.lines.map((l) => ({ ...l }));
  return world;
}

/**
 * The gateway's site configuration (before defaults), as a user would write it in YAML. Paths
 * are relative to the configuration file's directory.
 */
export function siteConfig(
  center: CallCenter,
  ami: { host: string; port: number },
  extra: { hub?: Record<string, string>; dataDir?: string } = {},
): Record<string, unknown> {
  return {
    site: center.shape.site,
    ami: { host: ami.host, port: ami.port, username: 'crm', secretFile: 'ami.secret', auth: 'md5' },
    listen: { host: '127.0.0.1', port: 0 },
    operators: center.operators,
    queues: center.queues.map((name) => ({ name, label: `Line ${name}` })),
    lines: center.lines.map((l) => ({ number: l.number, label: `Line ${l.queue}` })),
    dialing: { defaultCountry: 'RU', originateContext: 'outbound', internalContext: 'internal' },
    wrapUp: { timeoutSeconds: center.shape.wrapUpSeconds },
    hub: { publicKeyFile: 'hub-keys.json', ...extra.hub },
    dataDir: extra.dataDir ?? 'data',
    logLevel: 'warn',
  };
}
