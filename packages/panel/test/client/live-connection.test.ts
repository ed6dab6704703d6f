import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveConnection, type LiveConnectionState } from '../../src/client/live-connection.js';
import { callsInProgress, queueWaits } from '../../src/client/live-state.js';
import { FakeNetwork } from '../support/fake-socket.js';
import { counters, liveCall, operator, site, T0 } from '../support/live-messages.js';
import { flush, VirtualTimers } from '../support/virtual-timers.js';

function setup() {
  const timers = new VirtualTimers();
  const network = new FakeNetwork();
  let state: LiveConnectionState | undefined;
  let renewals = 0;
  const connection = new LiveConnection({
    url: 'ws://hub.test/api/v1/live',
    openSocket: network.open,
    timers,
    renewToken: () => {
      renewals++;
      return Promise.resolve({ token: `jwt-${renewals}`, expiresAt: '2026-11-27T11:00:00.000Z' });
    },
    onChange: (s) => (state = s),
    random: () => 1,
  });
  const current = (): LiveConnectionState => {
    assert.ok(state);
    return state;
  };
  return { timers, network, connection, current, renewals: () => renewals };
}

const welcome = {
  type: 'welcome',
  v: 2,
  user: 'sue',
  scope: '*',
  expiresAt: '2026-11-27T18:00:00.000Z',
  heartbeatSeconds: 15,
};

/** Lets time pass on a healthy link: a heartbeat every 15 s, as the hub sends them. */
function pass(s: ReturnType<typeof setup>, ms: number, seq: number): void {
  for (let left = ms; left > 0; left -= 15_000) {
    s.timers.advance(Math.min(15_000, left));
    s.network.last.receive({ type: 'heartbeat', at: new Date(s.timers.now()).toISOString(), seq });
  }
}

describe('supervisor live view', () => {
  it('shows every site from the snapshot, then applies changes as they come', () => {
    const s = setup();
    s.connection.start();
    s.network.last.receive(welcome, { type: 'snapshot', seq: 10, sites: [site('moscow'), site('tallinn')] });
    assert.equal(s.current().phase, 'live');
    assert.deepEqual([...s.current().live.sites.keys()], ['moscow', 'tallinn']);
    s.network.last.receive({
      type: 'changes',
      seq: 11,
      changes: [
        { kind: 'operator', site: 'tallinn', status: operator('anna', { work: 'paused', pauseReason: 'lunch' }) },
        { kind: 'call', site: 'moscow', call: liveCall('c1') },
        { kind: 'link', site: 'moscow', linked: false, amiConnected: false, updatedAt: T0 },
      ],
    });
    const sites = s.current().live.sites;
    assert.equal(sites.get('tallinn')?.operators[0]?.pauseReason, 'lunch');
    assert.equal(sites.get('moscow')?.calls[0]?.callId, 'c1');
    assert.equal(sites.get('moscow')?.linked, false);
    s.network.last.receive({
      type: 'changes',
      seq: 12,
      changes: [{ kind: 'call-ended', site: 'moscow', callId: 'c1' }],
    });
    assert.equal(s.current().live.sites.get('moscow')?.calls.length, 0);
  });

  it('a gap in the changes asks for a fresh snapshot and shows nothing half-applied meanwhile', () => {
    const s = setup();
    s.connection.start();
    const socket = s.network.last;
    socket.receive(welcome, { type: 'snapshot', seq: 1, sites: [site('moscow')] });
    socket.receive({ type: 'changes', seq: 3, changes: [{ kind: 'call', site: 'moscow', call: liveCall('c1') }] });
    assert.deepEqual(socket.sent, [{ type: 'resync' }]);
    assert.equal(s.current().inSync, false);
    assert.equal(s.current().live.sites.get('moscow')?.calls.length, 0);
    socket.receive({ type: 'changes', seq: 4, changes: [{ kind: 'call', site: 'moscow', call: liveCall('c2') }] });
    assert.equal(s.current().live.sites.get('moscow')?.calls.length, 0, 'changes wait for the snapshot');
    socket.receive({ type: 'snapshot', seq: 4, sites: [site('moscow', { calls: [liveCall('c1'), liveCall('c2')] })] });
    assert.equal(s.current().inSync, true);
    assert.equal(s.current().live.sites.get('moscow')?.calls.length, 2);
  });

  it('reconnects with backoff after a drop and starts again from a snapshot', () => {
    const s = setup();
    s.connection.start();
    s.network.last.receive(welcome, { type: 'snapshot', seq: 1, sites: [site('moscow')] });
    s.network.last.drop(1006);
    assert.equal(s.current().phase, 'reconnecting');
    s.timers.advance(500);
    assert.equal(s.network.sockets.length, 2);
    s.network.last.receive(welcome, { type: 'snapshot', seq: 1, sites: [site('moscow'), site('riga')] });
    assert.equal(s.current().live.sites.size, 2);
  });

  it('an ended session stops the view without retrying', () => {
    const s = setup();
    s.connection.start();
    s.network.last.drop(4010);
    assert.equal(s.current().stopReason, 'session-ended');
    s.timers.advance(60_000);
    assert.equal(s.network.sockets.length, 1);
  });

  it('sends a renewed token before the credential ends', async () => {
    const s = setup();
    s.connection.start();
    s.network.last.receive({ ...welcome, expiresAt: '2026-11-27T10:10:00.000Z' });
    pass(s, 8 * 60_000, 0);
    await flush();
    assert.equal(s.renewals(), 1);
    assert.deepEqual(s.network.last.sent, [{ type: 'auth', token: 'jwt-1' }]);
  });
});

describe('supervisor live view on a dead socket', () => {
  it('asks the hub for the protocol version with heartbeats', () => {
    const s = setup();
    s.connection.start();
    assert.equal(s.network.last.url, 'ws://hub.test/api/v1/live?v=2');
  });

  it('stays live through a quiet hour while heartbeats arrive', () => {
    const s = setup();
    s.connection.start();
    s.network.last.receive(welcome, { type: 'snapshot', seq: 4, sites: [site('moscow')] });
    pass(s, 60 * 60_000, 4);
    assert.equal(s.current().phase, 'live');
    assert.equal(s.current().inSync, true);
    assert.equal(s.network.sockets.length, 1);
    assert.equal(s.network.last.closedWith, null);
  });

  it('silence for two heartbeat intervals closes the socket, shows reconnecting, and starts again from a snapshot', () => {
    const s = setup();
    s.connection.start();
    const first = s.network.last;
    first.receive(welcome, { type: 'snapshot', seq: 4, sites: [site('moscow')] });
    s.timers.advance(20_000);
    first.receive({ type: 'heartbeat', at: T0, seq: 4 });
    s.timers.advance(30_000);
    assert.equal(s.current().phase, 'live', 'one missed heartbeat is not yet a dead socket');
    s.timers.advance(1_500);
    assert.equal(first.closedWith?.code, 4000);
    assert.equal(s.current().phase, 'reconnecting');
    assert.equal(s.current().inSync, false, 'what is shown may be stale');
    first.receive({ type: 'changes', seq: 5, changes: [{ kind: 'call', site: 'moscow', call: liveCall('late') }] });
    assert.equal(s.current().live.sites.get('moscow')?.calls.length, 0, 'the dead socket is no longer heard');
    s.timers.advance(500);
    assert.equal(s.network.sockets.length, 2);
    s.network.last.receive(welcome, { type: 'snapshot', seq: 1, sites: [site('moscow', { calls: [liveCall('c9')] })] });
    assert.equal(s.current().phase, 'live');
    assert.equal(s.current().inSync, true);
    assert.deepEqual(
      s
        .current()
        .live.sites.get('moscow')
        ?.calls.map((c) => c.callId),
      ['c9'],
    );
  });

  it('gives up on a socket that never says welcome and tries again', () => {
    const s = setup();
    s.connection.start();
    s.timers.advance(9_000);
    assert.equal(s.current().phase, 'connecting');
    s.timers.advance(1_000);
    assert.equal(s.network.sockets[0]?.closedWith?.code, 4000);
    assert.equal(s.current().phase, 'reconnecting');
    s.timers.advance(500);
    assert.equal(s.network.sockets.length, 2);
  });

  it('a heartbeat announcing changes it never received asks for a fresh snapshot', () => {
    const s = setup();
    s.connection.start();
    const socket = s.network.last;
    socket.receive(welcome, { type: 'snapshot', seq: 3, sites: [site('moscow')] });
    socket.receive({ type: 'heartbeat', at: T0, seq: 3 });
    assert.deepEqual(socket.sent, [], 'an up-to-date heartbeat changes nothing');
    socket.receive({ type: 'heartbeat', at: T0, seq: 5 });
    assert.deepEqual(socket.sent, [{ type: 'resync' }]);
    assert.equal(s.current().inSync, false);
  });

  it('a version 1 hub, which sends no heartbeats, is not taken for a dead one', () => {
    const s = setup();
    s.connection.start();
    const { heartbeatSeconds: _none, ...v1 } = { ...welcome, v: 1 };
    s.network.last.receive(v1, { type: 'snapshot', seq: 1, sites: [site('moscow')] });
    s.timers.advance(10 * 60_000);
    assert.equal(s.current().phase, 'live');
    assert.equal(s.network.last.closedWith, null);
  });
});

describe('site at a glance', () => {
  it('lists queues with their waiting callers and the longest wait, quiet queues included', () => {
    const state = site('moscow', {
      calls: [
        liveCall('a', { queue: 'sales', startedAt: '2026-11-27T10:00:30.000Z' }),
        liveCall('b', { queue: 'sales', startedAt: '2026-11-27T10:00:10.000Z' }),
        liveCall('c', { queue: 'sales', state: 'talking', startedAt: '2026-11-27T09:00:00.000Z' }),
      ],
      counters: {
        day: '2026-11-27',
        serviceLevelSeconds: 20,
        total: counters(),
        queues: { support: counters({ offered: 3 }), sales: counters() },
      },
    });
    assert.deepEqual(queueWaits(state), [
      { queue: 'sales', waiting: 2, longestSince: '2026-11-27T10:00:10.000Z' },
      { queue: 'support', waiting: 0, longestSince: null },
    ]);
    assert.deepEqual(
      callsInProgress(state).map((c) => c.callId),
      ['c', 'b', 'a'],
    );
  });
});
