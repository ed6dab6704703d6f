import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperatorToken } from '@callgate/contracts';
import { PanelError, PanelErrorCode } from '../../src/errors.js';
import {
  OperatorConnection,
  type OperatorConnectionState,
  type TokenSource,
} from '../../src/client/operator-connection.js';
import { FakeNetwork, type FakeSocket } from '../support/fake-socket.js';
import { call, event, reply, status, T0, welcome } from '../support/operator-messages.js';
import { flush, VirtualTimers } from '../support/virtual-timers.js';

class TestTokens implements TokenSource {
  token: OperatorToken | null;
  renewals = 0;
  failWith: PanelError | null = null;
  constructor(expiresAt = '2026-11-27T10:15:00.000Z') {
    this.token = { token: 'jwt-1', expiresAt };
  }
  current(): OperatorToken | null {
    return this.token;
  }
  renew(): Promise<OperatorToken> {
    this.renewals++;
    if (this.failWith) return Promise.reject(this.failWith);
    this.token = { token: `jwt-${this.renewals + 1}`, expiresAt: '2026-11-27T10:30:00.000Z' };
    return Promise.resolve(this.token);
  }
  adopt(token: OperatorToken): void {
    this.token = token;
  }
}

const hubDown = (): PanelError => new PanelError(PanelErrorCode.HubUnreachable, 'the hub did not answer');
/** What the client sent of one message type. */
const sentOf = (socket: FakeSocket, type: string): unknown[] =>
  socket.sent.filter((m) => (m as { type: string }).type === type);

function setup(options: { tokens?: TestTokens } = {}) {
  const timers = new VirtualTimers();
  const network = new FakeNetwork();
  const tokens = options.tokens ?? new TestTokens();
  const problems: PanelError[] = [];
  let n = 0;
  let state: OperatorConnectionState | undefined;
  const connection = new OperatorConnection({
    url: 'ws://gw.test/operator',
    openSocket: network.open,
    tokens,
    timers,
    newCommandId: () => `c${++n}`,
    onChange: (s) => (state = s),
    onProblem: (p) => problems.push(p),
    random: () => 1, // the longest delay of each backoff step: predictable
  });
  const current = (): OperatorConnectionState => {
    assert.ok(state, 'no state reported yet');
    return state;
  };
  return { timers, network, tokens, connection, problems, current };
}

/** Starts and completes the handshake with a first welcome. */
function live(s: ReturnType<typeof setup>, w = welcome()) {
  s.connection.start();
  s.network.last.open();
  s.network.last.receive(w);
  return s.network.last;
}

/** Lets time pass on a healthy link: a heartbeat every 10 s, as the gateway would send. */
function keepAlive(s: ReturnType<typeof setup>, socket: FakeSocket, ms: number): void {
  for (let left = ms; left > 0; left -= 10_000) {
    s.timers.advance(Math.min(10_000, left));
    socket.receive({ type: 'heartbeat', at: new Date(s.timers.now()).toISOString(), seq: 0 });
  }
}

describe('operator connection', () => {
  it('says hello with the hub token and shows the snapshot it is welcomed with', () => {
    const s = setup();
    s.connection.start();
    assert.equal(s.current().phase, 'connecting');
    const socket = s.network.last;
    assert.equal(socket.url, 'ws://gw.test/operator');
    socket.open();
    assert.deepEqual(socket.sent, [{ type: 'hello', v: 1, token: 'jwt-1' }]);
    socket.receive(
      welcome({ seq: 7, snapshot: { status: status({ work: 'paused', pauseReason: 'lunch' }), calls: [call()] } }),
    );
    const state = s.current();
    assert.equal(state.phase, 'live');
    assert.equal(state.operator.status?.work, 'paused');
    assert.equal(state.operator.status?.pauseReason, 'lunch');
    assert.deepEqual(
      state.operator.calls.map((c) => c.callId),
      ['cg-1'],
    );
    assert.deepEqual(state.welcome?.pauseReasons, ['break', 'lunch']);
  });

  it('applies events in order: an incoming call rings, is answered, held and resumed', () => {
    const s = setup();
    const socket = live(s);
    socket.receive(
      event(1, { kind: 'call.offered', call: call() }),
      event(2, { kind: 'call.answered', call: call({ state: 'talking', answeredAt: T0 }) }),
    );
    assert.equal(s.current().operator.calls[0]?.state, 'talking');
    socket.receive(event(3, { kind: 'call.held', call: call({ state: 'on-hold', answeredAt: T0, heldSince: T0 }) }));
    assert.equal(s.current().operator.calls[0]?.state, 'on-hold');
    socket.receive(event(4, { kind: 'call.resumed', call: call({ state: 'talking', answeredAt: T0 }) }));
    assert.equal(s.current().operator.calls[0]?.state, 'talking');
  });

  it('keeps an ended call for its wrap-up and removes it from the calls in progress', () => {
    const s = setup();
    const socket = live(s);
    socket.receive(
      event(1, { kind: 'call.answered', call: call({ state: 'talking', answeredAt: T0 }) }),
      event(2, {
        kind: 'call.ended',
        call: call({ state: 'ended', answeredAt: T0, endedAt: T0, outcome: 'completed' }),
      }),
    );
    assert.equal(s.current().operator.calls.length, 0);
    assert.equal(s.current().operator.ended[0]?.outcome, 'completed');
  });

  it('reconnects after a drop and resumes from the last event it applied', () => {
    const s = setup();
    const first = live(s);
    first.receive(event(1, { kind: 'status', status: status({ work: 'paused', pauseReason: 'break' }) }));
    first.receive(event(2, { kind: 'call.offered', call: call() }));
    first.drop(1006);
    assert.equal(s.current().phase, 'reconnecting');
    // The screen keeps what it knew while reconnecting.
    assert.equal(s.current().operator.calls.length, 1);
    s.timers.advance(500);
    const second = s.network.last;
    assert.notEqual(second, first);
    second.open();
    assert.deepEqual(second.sent[0], {
      type: 'hello',
      v: 1,
      token: 'jwt-1',
      resume: { streamId: 'stream-a', lastSeq: 2 },
    });
    second.receive(
      welcome({ resumed: true, snapshot: null, seq: 3 }),
      event(3, { kind: 'call.answered', call: call({ state: 'talking', answeredAt: T0 }) }),
    );
    assert.equal(s.current().phase, 'live');
    assert.equal(s.current().operator.status?.work, 'paused', 'state before the drop is kept on resume');
    assert.equal(s.current().operator.calls[0]?.state, 'talking');
  });

  it('never applies an event twice when a replay overlaps what it already had', () => {
    const s = setup();
    const first = live(s);
    first.receive(event(1, { kind: 'call.offered', call: call() }));
    first.receive(event(2, { kind: 'call.ended', call: call({ state: 'ended', outcome: 'missed', endedAt: T0 }) }));
    first.drop();
    s.timers.advance(500);
    s.network.last.open();
    s.network.last.receive(
      welcome({ resumed: true, snapshot: null, seq: 2 }),
      event(1, { kind: 'call.offered', call: call() }), // already applied: must not bring the call back
    );
    assert.equal(s.current().operator.calls.length, 0);
  });

  it('a gap in the events reconnects at once to resume rather than show a wrong state', () => {
    const s = setup();
    const first = live(s);
    first.receive(event(1, { kind: 'call.offered', call: call() }));
    first.receive(event(3, { kind: 'call.answered', call: call({ state: 'talking' }) }));
    assert.equal(first.closedWith?.code, 4000);
    assert.equal(s.current().operator.calls[0]?.state, 'ringing', 'the event after the gap is not applied');
    const second = s.network.last;
    assert.notEqual(second, first, 'a new socket opens without waiting');
    second.open();
    assert.deepEqual((second.sent[0] as { resume: unknown }).resume, { streamId: 'stream-a', lastSeq: 1 });
  });

  it('a heartbeat announcing events it never received makes it resume', () => {
    const s = setup();
    const first = live(s);
    first.receive({ type: 'heartbeat', at: T0, seq: 0 });
    assert.equal(first.closedWith?.code ?? null, null, 'an up-to-date heartbeat changes nothing');
    first.receive({ type: 'heartbeat', at: T0, seq: 4 });
    assert.equal(first.closedWith?.code, 4000);
    assert.equal(s.network.sockets.length, 2);
  });

  it('after a gateway restart (new stream) shows the snapshot and keeps a call that ended meanwhile for wrap-up', () => {
    const s = setup();
    const first = live(s);
    first.receive(event(1, { kind: 'call.answered', call: call({ state: 'talking', answeredAt: T0 }) }));
    first.drop(1001);
    s.timers.advance(500);
    s.network.last.open();
    s.network.last.receive(
      welcome({ streamId: 'stream-b', seq: 0, resumed: false, snapshot: { status: status(), calls: [] } }),
    );
    const state = s.current();
    assert.equal(state.operator.calls.length, 0);
    assert.equal(state.operator.ended[0]?.callId, 'cg-1');
    // The new stream's numbering is used from now on.
    s.network.last.receive(event(1, { kind: 'call.offered', call: call({ callId: 'cg-2' }) }));
    assert.equal(s.current().operator.calls[0]?.callId, 'cg-2');
  });

  it('silence for two heartbeat intervals is a dead socket: it is dropped and reconnected', () => {
    const s = setup();
    const first = live(s, welcome({ heartbeatSeconds: 10 }));
    s.timers.advance(20_000);
    first.receive({ type: 'heartbeat', at: T0, seq: 0 });
    s.timers.advance(20_000);
    assert.equal(first.closedWith?.code ?? null, null, 'each frame restarts the watch');
    s.timers.advance(1_001);
    assert.equal(first.closedWith?.code, 4000);
    assert.equal(s.current().phase, 'reconnecting');
    assert.equal(s.current().lastClose?.reason, 'no heartbeat from the gateway');
  });

  it('waits longer after each failed attempt, up to a ceiling, and starts over once connected', () => {
    const s = setup();
    s.connection.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      s.network.last.drop(1006);
      const retryAt = s.current().retryAt;
      assert.ok(retryAt !== null);
      delays.push(retryAt - s.timers.now());
      s.timers.advance(retryAt - s.timers.now());
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 15000, 15000]);
    s.network.last.open();
    s.network.last.receive(welcome());
    assert.equal(s.current().attempt, 0);
    s.network.last.drop(1006);
    assert.equal((s.current().retryAt ?? 0) - s.timers.now(), 500);
  });

  it('wake() (network back, page visible) skips the rest of the backoff', () => {
    const s = setup();
    s.connection.start();
    for (let i = 0; i < 4; i++) {
      s.network.last.drop(1006);
      s.timers.advance(20_000);
    }
    s.network.last.drop(1006);
    const before = s.network.sockets.length;
    s.connection.wake();
    assert.equal(s.network.sockets.length, before + 1);
  });

  it('a command goes out with a fresh id and its state follows the replies: pending, accepted, done', () => {
    const s = setup();
    const socket = live(s);
    const entry = s.connection.send({ name: 'hold', callId: 'cg-1' });
    assert.equal(entry.phase, 'sending');
    assert.deepEqual(socket.sent.at(-1), { type: 'command', id: 'c1', command: { name: 'hold', callId: 'cg-1' } });
    socket.receive(reply('c1', 'accepted', { callId: 'cg-1' }));
    assert.equal(s.current().commands.find((c) => c.id === 'c1')?.phase, 'accepted');
    socket.receive(reply('c1', 'done', { callId: 'cg-1' }));
    assert.equal(s.current().commands.find((c) => c.id === 'c1')?.phase, 'done');
  });

  it("a failed command carries the gateway's reason to the button", () => {
    const s = setup();
    const socket = live(s);
    s.connection.send({ name: 'hold', callId: 'cg-1' });
    socket.receive(reply('c1', 'failed', { code: 'GW_ERR_HOLD_UNAVAILABLE', message: 'hold is not set up' }));
    const entry = s.current().commands[0];
    assert.equal(entry?.phase, 'failed');
    assert.equal(entry?.code, 'GW_ERR_HOLD_UNAVAILABLE');
  });

  it('a command given while disconnected fails at once and nothing is sent', () => {
    const s = setup();
    const socket = live(s);
    socket.drop();
    const entry = s.connection.send({ name: 'dial', number: '+3725551234' });
    assert.equal(entry.phase, 'failed');
    assert.equal(entry.code, PanelErrorCode.NotConnected);
    s.timers.advance(500);
    s.network.last.open();
    s.network.last.receive(welcome({ resumed: true, snapshot: null }));
    assert.ok(
      !s.network.last.sent.some((m) => (m as { type: string }).type === 'command'),
      'a refused command is not sent later',
    );
  });

  it('a command cut off by a drop is sent again with the same id, and the stored answer settles it', () => {
    const s = setup();
    const first = live(s);
    s.connection.send({ name: 'dial', number: '+3725551234' });
    first.receive(reply('c1', 'accepted'));
    first.drop();
    s.timers.advance(500);
    const second = s.network.last;
    second.open();
    second.receive(welcome({ resumed: true, snapshot: null }));
    assert.deepEqual(second.sent.at(-1), {
      type: 'command',
      id: 'c1',
      command: { name: 'dial', number: '+3725551234' },
    });
    second.receive(reply('c1', 'done', { duplicate: true, callId: 'cg-9' }));
    const entry = s.current().commands[0];
    assert.equal(entry?.phase, 'done');
    assert.equal(entry?.callId, 'cg-9');
  });

  it('a command cut off longer ago than the gateway remembers ids is not sent again: its outcome is unknown', () => {
    const s = setup();
    const first = live(s);
    s.connection.send({ name: 'hangup', callId: 'cg-1' });
    first.drop();
    // The network stays down for 11 minutes (attempts keep failing).
    for (let waited = 0; waited < 11 * 60_000; waited += 15_000) {
      s.timers.advance(15_000);
      s.network.last.drop(1006);
    }
    s.timers.advance(15_000);
    const socket = s.network.last;
    socket.open();
    socket.receive(welcome({ resumed: true, snapshot: null }));
    assert.ok(!socket.sent.some((m) => (m as { type: string }).type === 'command'));
    assert.equal(s.current().commands[0]?.code, PanelErrorCode.OutcomeUnknown);
  });

  it("ignores replies to another tab's commands", () => {
    const s = setup();
    const socket = live(s);
    socket.receive(reply('other-tab-1', 'done'));
    assert.equal(s.current().commands.length, 0);
  });

  it('renews the token before it expires and hands it to the open socket', async () => {
    const s = setup();
    const socket = live(s, welcome({ tokenExpiresAt: '2026-11-27T10:15:00.000Z' }));
    keepAlive(s, socket, 12 * 60_000);
    await flush();
    assert.equal(s.tokens.renewals, 0, 'not yet: 3 minutes left');
    keepAlive(s, socket, 60_000);
    await flush();
    assert.equal(s.tokens.renewals, 1);
    assert.deepEqual(socket.sent.at(-1), { type: 'token', token: 'jwt-2' });
    assert.equal(s.current().tokenExpiresAt, '2026-11-27T10:30:00.000Z');
  });

  it('when neither the hub nor the gateway renews the token, telephony stays up and the panel says so, retrying', async () => {
    const s = setup();
    const socket = live(s);
    s.tokens.failWith = new PanelError(PanelErrorCode.HubUnreachable, 'down');
    keepAlive(s, socket, 13 * 60_000);
    await flush();
    socket.receive({ type: 'error', code: 'GW_ERR_SITE_TOKEN_REFUSED', message: 'the link to the hub is up' });
    await flush();
    assert.equal(s.current().renewalFailing, true);
    assert.equal(s.current().phase, 'live');
    s.tokens.failWith = null;
    keepAlive(s, socket, 20_000);
    await flush();
    assert.equal(s.current().renewalFailing, false);
    assert.deepEqual(socket.sent.at(-1), { type: 'token', token: 'jwt-3' });
  });

  it('an expired token (4002) is renewed at the hub before reconnecting', async () => {
    const s = setup();
    const first = live(s);
    first.drop(4002, 'token expired');
    await flush();
    assert.equal(s.tokens.renewals, 1);
    const second = s.network.last;
    assert.notEqual(second, first);
    second.open();
    assert.equal((second.sent[0] as { token: string }).token, 'jwt-2');
  });

  it('a token already expired at start is renewed before the first hello', async () => {
    const tokens = new TestTokens('2026-11-27T09:00:00.000Z');
    const s = setup({ tokens });
    s.connection.start();
    assert.equal(s.network.sockets.length, 0);
    await flush();
    s.network.last.open();
    assert.equal((s.network.last.sent[0] as { token: string }).token, 'jwt-2');
  });

  it('stops for good when the gateway says the operator does not belong to it (4003), without retrying', () => {
    const s = setup();
    live(s).drop(4003, 'not an operator of this site');
    assert.equal(s.current().phase, 'stopped');
    assert.equal(s.current().stopReason, 'forbidden');
    s.timers.advance(60_000);
    assert.equal(s.network.sockets.length, 1);
  });

  it('a token refused again right after renewing stops and asks to log in again', async () => {
    const s = setup();
    live(s).drop(4001);
    await flush();
    s.network.last.drop(4001);
    assert.equal(s.current().stopReason, 'unauthorized');
  });

  it('a revoked hub session (4010) ends the link and marks pending commands as unknown', () => {
    const s = setup();
    const socket = live(s);
    s.connection.send({ name: 'hangup', callId: 'cg-1' });
    socket.drop(4010);
    assert.equal(s.current().stopReason, 'session-ended');
    assert.equal(s.current().commands[0]?.code, PanelErrorCode.OutcomeUnknown);
  });

  it('the hub session ending during a renewal stops the link', async () => {
    const s = setup();
    const socket = live(s);
    s.tokens.failWith = new PanelError(PanelErrorCode.SessionEnded, 'logged out elsewhere');
    keepAlive(s, socket, 13 * 60_000);
    await flush();
    assert.equal(s.current().stopReason, 'session-ended');
    assert.deepEqual(sentOf(socket, 'renew'), [], 'an ended login is not extended by the gateway');
  });

  describe('during a WAN outage (hub unreachable) the gateway signs the tokens', () => {
    it('asks the gateway over the live socket and adopts its token: the link outlives the hub token', async () => {
      const s = setup();
      const socket = live(s); // the hub token expires at 10:15
      s.tokens.failWith = hubDown();
      keepAlive(s, socket, 13 * 60_000);
      await flush();
      assert.equal(s.tokens.renewals, 1, 'the hub is asked first');
      assert.deepEqual(socket.sent.at(-1), { type: 'renew' });

      socket.receive({ type: 'site-token', token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
      await flush();
      assert.deepEqual(s.tokens.current(), { token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
      assert.equal(s.current().tokenExpiresAt, '2026-11-27T10:28:00.000Z');
      assert.equal(s.current().renewalFailing, false);
      assert.equal(s.current().tokenFromSite, true);
      assert.deepEqual(sentOf(socket, 'token'), [], 'already in force on the socket: not sent back');

      // Past the hub token's end: still live, and a reconnect says hello with the gateway's token
      // straight away instead of waiting for a hub that does not answer.
      keepAlive(s, socket, 5 * 60_000);
      await flush();
      assert.equal(s.current().phase, 'live');
      assert.equal(socket.closedWith, null);
      const renewals = s.tokens.renewals;
      socket.drop(1006);
      s.timers.advance(500);
      await flush();
      assert.equal(s.network.sockets.length, 2);
      s.network.last.open();
      assert.equal((s.network.last.sent[0] as { token: string }).token, 'site-1');
      assert.equal(s.tokens.renewals, renewals, 'no renewal needed to reconnect');
    });

    it("the next renewal asks the hub first: once it answers, the hub's token takes over", async () => {
      const s = setup();
      const socket = live(s);
      s.tokens.failWith = hubDown();
      keepAlive(s, socket, 13 * 60_000); // 10:13
      await flush();
      socket.receive({ type: 'site-token', token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
      await flush();

      s.tokens.failWith = null; // the link is back
      keepAlive(s, socket, 12 * 60_000); // 10:25: the site token has 3 minutes left, not renewed yet
      await flush();
      assert.equal(s.tokens.renewals, 1);
      keepAlive(s, socket, 60_000); // 10:26: 2 minutes left
      await flush();
      assert.equal(s.tokens.renewals, 2);
      assert.deepEqual(socket.sent.at(-1), { type: 'token', token: 'jwt-3' });
      assert.equal(sentOf(socket, 'renew').length, 1, 'the gateway was not asked this time');
      assert.equal(s.tokens.current()?.token, 'jwt-3');
      assert.equal(s.current().tokenFromSite, false);
      assert.equal(s.current().tokenExpiresAt, '2026-11-27T10:30:00.000Z');
    });

    it('a refusal leaves the renewal failing, and it is retried at the hub and then the gateway', async () => {
      const s = setup();
      const socket = live(s);
      s.tokens.failWith = hubDown();
      keepAlive(s, socket, 13 * 60_000);
      await flush();
      socket.receive({ type: 'error', code: 'GW_ERR_SITE_TOKEN_REFUSED', message: 'the link to the hub is up' });
      await flush();
      assert.equal(s.current().renewalFailing, true);
      assert.equal(s.current().tokenFromSite, false);
      assert.equal(s.current().tokenExpiresAt, '2026-11-27T10:15:00.000Z');
      assert.equal(s.tokens.current()?.token, 'jwt-1');
      assert.deepEqual(s.problems, [], 'the answer to our renew is not a fault');

      keepAlive(s, socket, 20_000); // the retry comes 15 s later
      await flush();
      assert.equal(s.tokens.renewals, 2);
      assert.equal(sentOf(socket, 'renew').length, 2);
      socket.receive({ type: 'site-token', token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
      await flush();
      assert.equal(s.current().renewalFailing, false);
      assert.equal(s.tokens.current()?.token, 'site-1');
    });

    it('no answer in time counts as a failure; a late site-token is still adopted and ends the retries', async () => {
      const s = setup();
      const socket = live(s);
      s.tokens.failWith = hubDown();
      keepAlive(s, socket, 13 * 60_000);
      await flush();
      assert.deepEqual(socket.sent.at(-1), { type: 'renew' });
      s.timers.advance(9_000);
      await flush();
      assert.equal(s.current().renewalFailing, false, 'still waiting for the gateway');
      s.timers.advance(1_000);
      await flush();
      assert.equal(s.current().renewalFailing, true);

      socket.receive({ type: 'site-token', token: 'site-late', expiresAt: '2026-11-27T10:28:00.000Z' });
      await flush();
      assert.equal(s.current().renewalFailing, false);
      assert.equal(s.current().tokenExpiresAt, '2026-11-27T10:28:00.000Z');
      assert.equal(s.tokens.current()?.token, 'site-late');
      const renewals = s.tokens.renewals;
      keepAlive(s, socket, 60_000);
      await flush();
      assert.equal(s.tokens.renewals, renewals, 'no retry of a renewal that succeeded');
    });

    it('a drop while waiting ends the wait, and the renewal is tried again over the next socket', async () => {
      const s = setup();
      const first = live(s);
      s.tokens.failWith = hubDown();
      keepAlive(s, first, 13 * 60_000);
      await flush();
      first.drop(1006);
      await flush();
      assert.equal(s.current().renewalFailing, true);
      s.timers.advance(500);
      const second = s.network.last;
      assert.notEqual(second, first);
      second.open();
      assert.equal((second.sent[0] as { token: string }).token, 'jwt-1', 'the hub token still has a minute');
      second.receive(welcome({ resumed: true, snapshot: null }));
      // The welcome schedules the renewal again: two thirds of the 2 minutes the hub token has left.
      keepAlive(s, second, 90_000);
      await flush();
      assert.deepEqual(sentOf(second, 'renew'), [{ type: 'renew' }]);
      s.connection.stop();
      assert.equal(s.timers.pendingCount, 0, 'the wait for the gateway leaves no timer behind');
    });

    it('is never tried without a live socket: a token that expired while disconnected waits for the hub', async () => {
      const tokens = new TestTokens('2026-11-27T09:00:00.000Z');
      tokens.failWith = hubDown();
      const s = setup({ tokens });
      s.connection.start();
      await flush();
      assert.equal(s.network.sockets.length, 0);
      assert.equal(s.current().renewalFailing, true);
      assert.equal(s.current().phase, 'reconnecting');
    });
  });

  it('a frame that is not JSON, or a message outside the protocol, is reported and the rest still applies', () => {
    const s = setup();
    const socket = live(s);
    socket.receiveRaw('not json');
    socket.receive(
      { type: 'event', seq: 1, at: T0, event: { kind: 'call.offered', call: { callId: 'x', queue: 'vip' } } },
      event(1, { kind: 'call.offered', call: call() }),
    );
    assert.equal(s.problems.length, 2);
    assert.ok(s.problems.every((p) => p.code === PanelErrorCode.BadFrame));
    assert.equal(s.current().operator.calls[0]?.callId, 'cg-1');
  });

  it("shows the gateway's time: the clock offset comes from heartbeats", () => {
    const s = setup();
    const socket = live(s);
    socket.receive({ type: 'heartbeat', at: new Date(s.timers.now() + 4_000).toISOString(), seq: 0 });
    assert.equal(s.current().clockOffsetMs, 4_000);
    assert.equal(s.connection.serverNow(), s.timers.now() + 4_000);
  });

  it('stop() closes the socket normally and no timer is left behind', () => {
    const s = setup();
    const socket = live(s);
    s.connection.stop();
    assert.equal(socket.closedWith?.code, 1000);
    assert.equal(s.timers.pendingCount, 0);
    socket.drop(1000);
    assert.equal(s.current().phase, 'stopped');
  });
});
