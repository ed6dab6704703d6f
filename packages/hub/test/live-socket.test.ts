import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { liveServerMessageValidator, type LiveServerMessage, type OperatorToken } from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { eventually } from './support/receiver.js';

/** A supervisor's browser: every frame is a JSON array of messages, each checked against the contract. */
class LiveClient {
  readonly messages: LiveServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}, options: { query?: string; autoPong?: boolean } = {}) {
    this.socket = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live${options.query ?? ''}`, {
      headers,
      autoPong: options.autoPong ?? true,
    });
    this.socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as unknown;
      assert.ok(Array.isArray(frame), 'a frame is an array of messages');
      for (const m of frame) this.messages.push(liveServerMessageValidator.assert(m));
    });
    this.socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.socket.once('error', reject);
    });
  }
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
  of<T extends LiveServerMessage['type']>(type: T): Extract<LiveServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<LiveServerMessage, { type: T }> => m.type === type);
  }
  waitFor<T extends LiveServerMessage['type']>(type: T, count = 1) {
    return eventually(() => (this.of(type).length >= count ? this.of(type) : undefined), `${count} ${type}`);
  }
  waitClosed() {
    return eventually(() => this.closed, 'close');
  }
  close(): void {
    this.socket.close();
  }
}

const status = (site: string, operatorId: string, at: string) => ({
  type: 'operator.status',
  site,
  at,
  status: { operatorId, phone: 'idle', work: 'paused', pauseReason: 'lunch', since: at, callId: null },
});

for (const engine of ENGINES) {
  describe(`live view socket on ${engine}`, () => {
    let t: TestHub;
    let sue: LoggedIn;
    let olga: LoggedIn;
    before(async () => {
      t = await startTestHub(
        engine,
        {},
        { liveSocket: { tickMs: 20, authTimeoutMs: 300, sessionCheckMs: 1000, maxBufferedBytes: 1_000_000 } },
      );
      await seedWorld(t);
      sue = await login(t.url, 'sue', PASSWORD);
      olga = await login(t.url, 'olga', PASSWORD);
    });
    after(() => t.close());
    const now = () => new Date(t.clock.now).toISOString();

    it("gives a supervisor a snapshot of their site, then the changes, and nothing of another site's", async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie });
      await c.opened;
      const [snapshot] = await c.waitFor('snapshot');
      assert.deepEqual(
        snapshot?.sites.map((s) => s.site),
        ['tallinn'],
      );
      assert.equal(c.of('welcome')[0]?.scope, 'tallinn');
      assert.ok(t.hub.core.acceptLiveEvent('moscow', status('moscow', 'ivan', now())).ok);
      assert.ok(t.hub.core.acceptLiveEvent('tallinn', status('tallinn', 'anna', now())).ok);
      const [changes] = await c.waitFor('changes');
      assert.deepEqual(
        changes?.changes.map((x) => (x.kind === 'operator' ? [x.site, x.status.operatorId] : x.kind)),
        [['tallinn', 'anna']],
      );
      assert.equal(changes?.seq, (snapshot?.seq ?? 0) + 1);
      c.close();
    });

    it('takes a token in the first message; a supervisor of every site sees every site', async () => {
      const c = new LiveClient(t.url);
      await c.opened;
      c.send({ type: 'auth', token: olga.token });
      const [snapshot] = await c.waitFor('snapshot');
      assert.deepEqual(
        snapshot?.sites.map((s) => s.site),
        ['moscow', 'tallinn'],
      );
      assert.equal(snapshot?.sites.find((s) => s.site === 'tallinn')?.operators[0]?.pauseReason, 'lunch');
      c.close();
    });

    it('refuses operators, bad tokens and sockets that never authenticate, each with its close code', async () => {
      const anna = await login(t.url, 'anna', PASSWORD);
      const operator = new LiveClient(t.url, { authorization: `Bearer ${anna.token}` });
      assert.equal((await operator.waitClosed()).code, 4003);
      const bad = new LiveClient(t.url);
      await bad.opened;
      bad.send({ type: 'auth', token: 'eyJhbGciOiJub25lIn0.e30.' });
      assert.equal((await bad.waitClosed()).code, 4001);
      const silent = new LiveClient(t.url);
      assert.equal((await silent.waitClosed()).code, 4005);
    });

    it('refuses a WebSocket opened with the session cookie from another origin', async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie, origin: 'https://evil.example' });
      await assert.rejects(c.opened, /HTTP 403/);
    });

    it('closes a token socket when the token expires, unless a renewed token came first', async () => {
      const renewing = new LiveClient(t.url);
      const lapsing = new LiveClient(t.url);
      await Promise.all([renewing.opened, lapsing.opened]);
      renewing.send({ type: 'auth', token: olga.token });
      lapsing.send({ type: 'auth', token: olga.token });
      await Promise.all([renewing.waitFor('snapshot'), lapsing.waitFor('snapshot')]);
      t.clock.advance(t.config.tokens.ttlSeconds * 1000 - 60_000);
      const renewed = await api<OperatorToken>(t.url, 'POST', '/api/v1/auth/token', { as: { token: olga.token } });
      renewing.send({ type: 'auth', token: renewed.body.token });
      await renewing.waitFor('welcome', 2);
      t.clock.advance(120_000);
      assert.equal((await lapsing.waitClosed()).code, 4002);
      renewing.send({ type: 'resync' });
      await renewing.waitFor('snapshot', 2);
      assert.equal(renewing.closed, undefined);
      renewing.close();
      olga = await login(t.url, 'olga', PASSWORD);
    });

    it('closes the socket of a session that logged out', async () => {
      const mark = await login(t.url, 'mark', PASSWORD);
      const c = new LiveClient(t.url, { cookie: mark.cookie });
      await c.waitFor('snapshot');
      await api(t.url, 'POST', '/api/v1/auth/logout', { as: { cookie: mark.cookie, csrf: mark.csrf } });
      t.clock.advance(1000);
      assert.equal((await c.waitClosed()).code, 4010);
    });

    it('answers malformed frames with errors, then closes a client that keeps sending them', async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie });
      await c.waitFor('snapshot');
      c.send('not json');
      c.send({ type: 'subscribe', everything: true });
      const errors = await c.waitFor('error', 2);
      assert.equal(errors[0]?.code, 'HUB_ERR_VALIDATION');
      for (let i = 0; i < 5; i++) c.send('{');
      assert.equal((await c.waitClosed()).code, 4009);
    });

    it('closes a supervisor socket that stops reading, instead of buffering for it without end', async () => {
      const slow = new LiveClient(t.url, { cookie: sue.cookie });
      const fine = new LiveClient(t.url, { cookie: sue.cookie });
      await Promise.all([slow.waitFor('snapshot'), fine.waitFor('snapshot')]);
      slow.socket.pause(); // a frozen browser tab: the TCP window fills, the hub's buffer grows
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 2000; i++)
          t.hub.core.acceptLiveEvent('tallinn', status('tallinn', `op-${round}-${i}`, now()));
        await new Promise((r) => setTimeout(r, 40));
        if ((await t.hub.core.metrics.liveClients.get()).values[0]?.value === 1) break;
      }
      assert.equal((await t.hub.core.metrics.liveClients.get()).values[0]?.value, 1, 'the slow socket was dropped');
      slow.socket.resume();
      assert.equal((await slow.waitClosed()).code, 4008);
      assert.equal(fine.closed, undefined, 'a client that reads is not affected');
      fine.close();
      slow.close();
    });

    it('refuses live events a site sends for another site', () => {
      const r = t.hub.core.acceptLiveEvent('tallinn', status('moscow', 'ivan', now()));
      assert.equal(r.ok, false);
      const garbage = t.hub.core.acceptLiveSnapshot('tallinn', { site: 'tallinn', operators: 'many' });
      assert.equal(garbage.ok, false);
    });
  });
}

for (const engine of ENGINES) {
  describe(`live view heartbeats on ${engine}`, () => {
    let t: TestHub;
    let sue: LoggedIn;
    before(async () => {
      t = await startTestHub(engine, {}, { liveSocket: { tickMs: 20, heartbeatSeconds: 1 } });
      await seedWorld(t);
      sue = await login(t.url, 'sue', PASSWORD);
    });
    after(() => t.close());

    it('sends a version 2 client heartbeats carrying the seq of what it was sent, and a quiet socket stays open', async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie }, { query: '?v=2' });
      const [welcome] = await c.waitFor('welcome');
      assert.equal(welcome?.v, 2);
      assert.equal(welcome?.heartbeatSeconds, 1);
      const [snapshot] = await c.waitFor('snapshot');
      const beats = await c.waitFor('heartbeat', 3);
      assert.ok(beats.every((b) => b.seq === snapshot?.seq));
      assert.equal(beats[0]?.at, new Date(t.clock.now).toISOString(), 'stamped with the hub clock');
      assert.equal(c.closed, undefined, 'answering pings keeps a socket with nothing to say open');
      c.close();
    });

    it('gives every heartbeat the seq of the last changes sent before it, so it never looks like a gap', async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie }, { query: '?v=2' });
      await c.waitFor('snapshot');
      const at = new Date(t.clock.now).toISOString();
      for (let i = 0; i < 40; i++) {
        assert.ok(t.hub.core.acceptLiveEvent('tallinn', status('tallinn', `op-${i}`, at)).ok);
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.waitFor('heartbeat', 2);
      let applied = 0;
      for (const m of c.messages) {
        if (m.type === 'snapshot' || m.type === 'changes') applied = m.seq;
        if (m.type === 'heartbeat') assert.equal(m.seq, applied, 'a heartbeat names the last seq sent before it');
      }
      c.close();
    });

    it('terminates a socket that stops answering pings, and only that one', async () => {
      const gone = new LiveClient(t.url, { cookie: sue.cookie }, { query: '?v=2', autoPong: false });
      const here = new LiveClient(t.url, { cookie: sue.cookie }, { query: '?v=2' });
      await Promise.all([gone.waitFor('snapshot'), here.waitFor('snapshot')]);
      const closed = await gone.waitClosed();
      assert.equal(closed.code, 1006, 'cut without a close handshake: nobody is there to answer it');
      assert.ok(gone.of('heartbeat').length >= 1, 'it had its chance: a ping and a heartbeat first');
      assert.equal(here.closed, undefined);
      await eventually(
        async () => ((await t.hub.core.metrics.liveClients.get()).values[0]?.value === 1 ? true : undefined),
        'the hub forgot the dead socket',
      );
      here.close();
    });

    it('speaks version 1 to a client that does not ask for 2: pings, but no heartbeat messages', async () => {
      const c = new LiveClient(t.url, { cookie: sue.cookie });
      const [welcome] = await c.waitFor('welcome');
      assert.equal(welcome?.v, 1);
      assert.equal('heartbeatSeconds' in (welcome ?? {}), false);
      let pings = 0;
      c.socket.on('ping', () => pings++);
      await eventually(() => (pings >= 2 ? true : undefined), 'two pings');
      assert.equal(c.of('heartbeat').length, 0);
      assert.equal(c.closed, undefined);
      c.close();
    });

    it('refuses a protocol version it does not speak with 4004', async () => {
      for (const query of ['?v=3', '?v=0', '?v=two']) {
        const c = new LiveClient(t.url, { cookie: sue.cookie }, { query });
        assert.equal((await c.waitClosed()).code, 4004, query);
        assert.equal(c.messages.length, 0);
      }
    });
  });
}
