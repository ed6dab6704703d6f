import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actions, decodeTrace, isAmiError, serializeAction, type AmiAction, type AmiMessage } from '../src/index.js';
import { listRecordings } from './fixtures.js';

/** Every action the recorded client sent, by recording, as decoded messages. */
function recordedActions(): Array<{ id: string; message: AmiMessage }> {
  return listRecordings().flatMap((rec) =>
    decodeTrace(rec.lines).flatMap((item) =>
      item.dir === 'out' && 'message' in item ? [{ id: rec.id, message: item.message }] : [],
    ),
  );
}

/** Headers of an action's wire text, ActionID left out, sorted: comparable as a multiset. */
function headerSet(pairs: Array<[string, string]>): string[] {
  return pairs
    .filter(([k]) => k !== 'ActionID')
    .map(([k, v]) => `${k}: ${v}`)
    .sort();
}

function wireHeaders(action: AmiAction): Array<[string, string]> {
  return serializeAction(action)
    .slice(0, -4)
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
}

/**
 * Our constructor for each recorded action, built from the recorded values: it must produce the
 * very headers real Asterisk 20/22 accepted (recordings 01, 06, 07, 09, 11-16).
 */
function rebuild(m: AmiMessage): AmiAction | undefined {
  const g = (k: string): string | undefined => m.get(k);
  const need = (k: string): string => {
    const v = m.get(k);
    assert.ok(v !== undefined, `recorded ${m.get('Action')} has no ${k}`);
    return v;
  };
  const num = (k: string): number | undefined => (m.get(k) === undefined ? undefined : Number(m.get(k)));
  const bool = (k: string): boolean | undefined => (m.get(k) === undefined ? undefined : m.get(k) === 'true');
  switch (m.get('Action')) {
    case 'Ping':
      return actions.ping();
    case 'Logoff':
      return actions.logoff();
    case 'CoreSettings':
      return actions.coreSettings();
    case 'CoreStatus':
      return actions.coreStatus();
    case 'CoreShowChannels':
      return actions.coreShowChannels();
    case 'BridgeList':
      return actions.bridgeList();
    case 'Command':
      return actions.command(need('Command'));
    case 'Status':
      return actions.status(g('Channel'), g('Variables')?.split(','));
    case 'Getvar':
      // 14 sends one without Variable on purpose, to show Asterisk's error.
      return g('Variable') === undefined ? undefined : actions.getvar(need('Variable'), g('Channel'));
    case 'Setvar':
      return actions.setvar(need('Variable'), need('Value'), g('Channel'));
    case 'Hangup':
      return g('Channel') === undefined ? undefined : actions.hangup(need('Channel'), num('Cause'));
    case 'Redirect':
      return actions.redirect({
        channel: need('Channel'),
        context: need('Context'),
        exten: need('Exten'),
        priority: num('Priority'),
      });
    case 'BlindTransfer':
      return actions.blindTransfer(need('Channel'), need('Context'), need('Exten'));
    case 'Atxfer':
      return actions.atxfer(need('Channel'), need('Context'), need('Exten'));
    case 'QueueAdd':
      return actions.queueAdd({
        queue: need('Queue'),
        interface: need('Interface'),
        memberName: g('MemberName'),
        stateInterface: g('StateInterface'),
        penalty: num('Penalty'),
      });
    case 'QueueRemove':
      return actions.queueRemove(need('Queue'), need('Interface'));
    case 'QueuePause':
      return actions.queuePause({
        interface: need('Interface'),
        paused: bool('Paused') ?? false,
        queue: g('Queue'),
        reason: g('Reason'),
      });
    case 'QueueStatus':
      return actions.queueStatus(g('Queue'), g('Member'));
    case 'QueueSummary':
      return actions.queueSummary(g('Queue'));
    case 'Originate': {
      if (g('Channel') === undefined) return undefined; // 14: the deliberately invalid one
      const variables = Object.fromEntries(
        m.getAll('Variable').map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
      );
      return actions.originate({
        channel: need('Channel'),
        context: g('Context'),
        exten: g('Exten'),
        priority: num('Priority'),
        callerId: g('CallerID'),
        timeoutMs: num('Timeout'),
        async: bool('Async') ?? false,
        ...(m.getAll('Variable').length > 0 ? { variables } : {}),
      });
    }
    default:
      return undefined; // Login (built by the client), FooBarAction and Queues (errors on purpose)
  }
}

describe('action constructors', () => {
  it('build exactly the headers real Asterisk was sent in the recordings', () => {
    let compared = 0;
    const names = new Set<string>();
    for (const { id, message } of recordedActions()) {
      const ours = rebuild(message);
      if (!ours) continue;
      assert.deepEqual(headerSet(wireHeaders(ours)), headerSet(message.headers()), `${id}: ${message.get('Action')}`);
      compared++;
      names.add(message.get('Action') ?? '');
    }
    assert.ok(compared > 60, `compared ${compared}`);
    assert.ok(names.has('Originate') && names.has('QueuePause') && names.has('Redirect'), [...names].join());
  });

  it('sends several Variable headers for Originate, in order', () => {
    const wire = serializeAction(
      actions.originate({
        channel: 'PJSIP/1001',
        exten: '79990000001',
        context: 'outbound',
        variables: { A: '1', __B: 'x=y' },
      }),
    );
    assert.match(wire, /\r\nVariable: A=1\r\nVariable: __B=x=y\r\n/);
  });

  it('escapes what Asterisk would split a Variable value at: commas, quotes, backslashes', () => {
    const wire = serializeAction(
      actions.originate({
        channel: 'PJSIP/1001',
        exten: '79990000001',
        context: 'outbound',
        variables: { 'PJSIP_HEADER(add,Call-Info)': '<sip:h>;answer-after=0', __REF: 'a,FILE(/x)=y "q" b\\c' },
      }),
    );
    assert.match(
      wire,
      /\r\nVariable: PJSIP_HEADER\(add,Call-Info\)=<sip:h>;answer-after=0\r\n/,
      'names are sent as they are',
    );
    assert.ok(wire.includes('\r\nVariable: __REF=a\\,FILE(/x)=y \\"q\\" b\\\\c\r\n'), wire);
  });

  it('sends an in-dialog NOTIFY with its headers as Variable lines (PJSIPNotify Channel mode)', () => {
    const wire = serializeAction(actions.pjsipNotifyChannel('PJSIP/1001-00000004', { Event: 'hold' }));
    assert.match(wire, /^Action: PJSIPNotify\r\n/);
    assert.match(wire, /\r\nChannel: PJSIP\/1001-00000004\r\n/);
    assert.match(wire, /\r\nVariable: Event=hold\r\n/);
  });
});

// ---- injection: every string field of every constructor -------------------------------------

type Field = (name: string) => string;
type Spec = { fields: string[]; build: (v: Field) => AmiAction };

/** Keyed by constructor name: TypeScript fails here when a constructor is added without a spec. */
const SPECS: Record<keyof typeof actions, Spec> = {
  ping: { fields: [], build: () => actions.ping() },
  logoff: { fields: [], build: () => actions.logoff() },
  coreSettings: { fields: [], build: () => actions.coreSettings() },
  coreStatus: { fields: [], build: () => actions.coreStatus() },
  coreShowChannels: { fields: [], build: () => actions.coreShowChannels() },
  bridgeList: { fields: [], build: () => actions.bridgeList() },
  command: { fields: ['command'], build: (v) => actions.command(v('command')) },
  pjsipNotifyChannel: {
    fields: ['channel', 'header', 'value'],
    build: (v) => actions.pjsipNotifyChannel(v('channel'), { [v('header')]: v('value') }),
  },
  status: {
    fields: ['channel', 'variable'],
    build: (v) => actions.status(v('channel'), [v('variable'), 'BRIDGEPEER']),
  },
  getvar: { fields: ['variable', 'channel'], build: (v) => actions.getvar(v('variable'), v('channel')) },
  setvar: {
    fields: ['variable', 'value', 'channel'],
    build: (v) => actions.setvar(v('variable'), v('value'), v('channel')),
  },
  originate: {
    fields: [
      'channel',
      'context',
      'exten',
      'application',
      'data',
      'callerId',
      'channelId',
      'otherChannelId',
      'account',
      'variableName',
      'variableValue',
    ],
    build: (v) =>
      actions.originate({
        channel: v('channel'),
        context: v('context'),
        exten: v('exten'),
        application: v('application'),
        data: v('data'),
        callerId: v('callerId'),
        channelId: v('channelId'),
        otherChannelId: v('otherChannelId'),
        account: v('account'),
        variables: { [v('variableName')]: v('variableValue') },
      }),
  },
  hangup: { fields: ['channel'], build: (v) => actions.hangup(v('channel'), 16) },
  redirect: {
    fields: ['channel', 'context', 'exten', 'extraChannel', 'extraContext', 'extraExten'],
    build: (v) =>
      actions.redirect({
        channel: v('channel'),
        context: v('context'),
        exten: v('exten'),
        extraChannel: v('extraChannel'),
        extraContext: v('extraContext'),
        extraExten: v('extraExten'),
      }),
  },
  blindTransfer: {
    fields: ['channel', 'context', 'exten'],
    build: (v) => actions.blindTransfer(v('channel'), v('context'), v('exten')),
  },
  atxfer: {
    fields: ['channel', 'context', 'exten'],
    build: (v) => actions.atxfer(v('channel'), v('context'), v('exten')),
  },
  cancelAtxfer: { fields: ['channel'], build: (v) => actions.cancelAtxfer(v('channel')) },
  playDtmf: { fields: ['channel', 'digit'], build: (v) => actions.playDtmf(v('channel'), v('digit'), 100) },
  queueAdd: {
    fields: ['queue', 'interface', 'memberName', 'stateInterface', 'reason'],
    build: (v) =>
      actions.queueAdd({
        queue: v('queue'),
        interface: v('interface'),
        memberName: v('memberName'),
        stateInterface: v('stateInterface'),
        reason: v('reason'),
        penalty: 0,
        paused: false,
      }),
  },
  queueRemove: { fields: ['queue', 'interface'], build: (v) => actions.queueRemove(v('queue'), v('interface')) },
  queuePause: {
    fields: ['interface', 'queue', 'reason'],
    build: (v) =>
      actions.queuePause({ interface: v('interface'), paused: true, queue: v('queue'), reason: v('reason') }),
  },
  queueStatus: { fields: ['queue', 'member'], build: (v) => actions.queueStatus(v('queue'), v('member')) },
  queueSummary: { fields: ['queue'], build: (v) => actions.queueSummary(v('queue')) },
  events: { fields: ['mask'], build: (v) => actions.events(v('mask')) },
  filter: { fields: ['filter', 'matchCriteria'], build: (v) => actions.filter(v('filter'), v('matchCriteria')) },
};

/** Control characters an attacker (or a bad CRM record) might smuggle into a field. */
const HOSTILE = ['\r', '\n', '\r\n', '\0', '\t', '\x1b', '\x7f', '\x85', '\u0000Action: Hangup'];
const PAYLOAD = '1001\r\n\r\nAction: Originate\r\nChannel: PJSIP/666\r\nApplication: System\r\nData: rm -rf /';

describe('injection attempts in every field of every action constructor', () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: every field reaches the wire, and a control character in any of them is AMI_ERR_INJECTION`, () => {
      const marker = (field: string): string => `m-${field}`;
      const wire = serializeAction(spec.build(marker));
      for (const field of spec.fields) assert.ok(wire.includes(marker(field)), `${field} is not sent`);
      for (const field of spec.fields) {
        for (const bad of [...HOSTILE.flatMap((h) => [`${h}x`, `x${h}x`, `x${h}`]), PAYLOAD]) {
          const build = (): string => serializeAction(spec.build((f) => (f === field ? bad : marker(f))));
          const expected =
            field === 'variableName' && bad === PAYLOAD ? /AMI_ERR_(INJECTION|BAD_KEY)/ : /AMI_ERR_INJECTION/;
          assert.throws(
            build,
            (e: unknown) => isAmiError(e) && expected.test(e.code),
            `${field} = ${JSON.stringify(bad)}`,
          );
        }
      }
    });
  }

  it('a number that is not finite is refused, never sent as "NaN"', () => {
    const cases: AmiAction[] = [
      actions.originate({ channel: 'PJSIP/1001', exten: '1', priority: Number.NaN }),
      actions.originate({ channel: 'PJSIP/1001', timeoutMs: Number.POSITIVE_INFINITY }),
      actions.hangup('PJSIP/1001-00000001', Number.NaN),
      actions.queueAdd({ queue: 'support', interface: 'PJSIP/1003', penalty: Number.NaN }),
      actions.playDtmf('PJSIP/1001-00000001', '1', Number.NaN),
      actions.redirect({ channel: 'PJSIP/1001-00000001', context: 'internal', exten: '1003', priority: Number.NaN }),
    ];
    for (const action of cases) {
      assert.throws(
        () => serializeAction(action),
        (e: unknown) => isAmiError(e, 'AMI_ERR_BAD_VALUE'),
        action.action,
      );
    }
  });
});
