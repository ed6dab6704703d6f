import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UplinkCloseCode, UPLINK_PROTOCOL_VERSION } from '@callgate/contracts';
import { ENGINES } from '../support/engines.js';
import { callRecord } from './records.js';
import { proofFor, startHarness, TestGateway, type Harness } from './uplink-harness.js';

/** Polls until `check` holds (for effects that land just after a socket closes). */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never happened: ${what}`);
}

for (const engine of ENGINES) {
  describe(`uplink endpoint (${engine})`, () => {
    let hub: Harness;
    let moscow: string;
    let tallinn: string;
    const open: TestGateway[] = [];
    const track = (gw: TestGateway): TestGateway => (open.push(gw), gw);
    const storedIds = async (site: string): Promise<string[]> =>
      (
        await hub.core.database.db
          .selectFrom('calls')
          .select('record_id')
          .where('site', '=', site)
          .orderBy('record_id')
          .execute()
      ).map((r) => r.record_id);
    const deadLetters = async (): Promise<number> =>
      Number(
        (
          await hub.core.database.db
            .selectFrom('dead_letters')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const refusals = async (): Promise<number> =>
      (await hub.core.database.db.selectFrom('audit_log').select('id').where('action', '=', 'uplink.refused').execute())
        .length;

    before(async () => {
      hub = await startHarness(engine);
      moscow = await hub.addSite('moscow');
      tallinn = await hub.addSite('tallinn');
    });
    after(async () => {
      for (const gw of open) gw.close();
      await hub.close();
    });

    it('a gateway with its site credential is linked, and the live view shows the site linked', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const [state] = hub.core.live.state((s) => s === 'moscow');
      assert.equal(state?.linked, true);
      assert.equal(hub.uplink.site('moscow')?.linked, true);
      gw.close();
      await gw.whenClosed();
    });

    it('records are stored once and acked in the order sent; a resend is acked as duplicate', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRecords([1, 2, 3].map((n) => ({ seq: n, record: callRecord(n) })));
      gw.sendRecords([4, 5].map((n) => ({ seq: n, record: callRecord(n) })));
      const acks = await gw.acks(5);
      assert.deepEqual(
        acks.map((a) => [a.seq, a.recordId, a.result]),
        [1, 2, 3, 4, 5].map((n) => [n, `moscow-rec-${n}`, 'stored']),
      );
      gw.close();
      // The ack was lost (say): after reconnecting the gateway sends them again.
      const again = track(await TestGateway.link(hub.url, 'moscow', moscow));
      again.sendRecords([1, 2, 3, 4, 5].map((n) => ({ seq: n, record: callRecord(n) })));
      assert.deepEqual(
        (await again.acks(5)).map((a) => a.result),
        ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate'],
      );
      assert.deepEqual(
        await storedIds('moscow'),
        [1, 2, 3, 4, 5].map((n) => `moscow-rec-${n}`),
      );
      again.close();
    });

    it('a complete record replaces the incomplete one sent before it', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRecords([
        { seq: 10, record: callRecord(10, 'moscow', { incomplete: true }) },
        { seq: 11, record: callRecord(10) },
      ]);
      assert.deepEqual(
        (await gw.acks(2)).map((a) => a.result),
        ['stored', 'replaced'],
      );
      gw.close();
    });

    it('a forged credential is refused (4001), reported in the audit log, and nothing it sends is stored', async () => {
      const before = await refusals();
      const gw = track(await TestGateway.open(hub.url));
      const challenge = await gw.next('challenge');
      const forged = `cgs1.moscow.${'x'.repeat(43)}`;
      gw.send({
        type: 'hello',
        v: UPLINK_PROTOCOL_VERSION,
        site: 'moscow',
        nonce: challenge.nonce,
        proof: proofFor(forged, 'moscow', challenge.nonce),
        agent: 'test',
        configVersions: {},
      });
      gw.sendRecords([{ seq: 1, record: callRecord(900) }]);
      const closed = await gw.whenClosed();
      assert.equal(closed.code, UplinkCloseCode.BadCredential);
      assert.equal(closed.reason, 'UPLINK_ERR_BAD_CREDENTIAL');
      assert.equal(gw.received.filter((m) => m.type !== 'challenge').length, 0, 'nothing but the close');
      assert.deepEqual(await storedIds('moscow').then((ids) => ids.filter((id) => id === 'moscow-rec-900')), []);
      await eventually(async () => (await refusals()) === before + 1, 'the refusal in the audit log');
    });

    it('a hello captured from another connection and replayed is refused: the nonce is new each time', async () => {
      const first = track(await TestGateway.open(hub.url));
      const challenge = await first.next('challenge');
      const hello = {
        type: 'hello' as const,
        v: UPLINK_PROTOCOL_VERSION,
        site: 'moscow',
        nonce: challenge.nonce,
        proof: proofFor(moscow, 'moscow', challenge.nonce),
        agent: 'test',
        configVersions: {},
      };
      first.send(hello);
      await first.next('welcome');
      first.close();
      const replayer = track(await TestGateway.open(hub.url));
      await replayer.next('challenge');
      replayer.send(hello);
      assert.equal((await replayer.whenClosed()).code, UplinkCloseCode.BadCredential);
    });

    it('a gateway claiming another site with its own credential is refused', async () => {
      const gw = track(await TestGateway.open(hub.url));
      const challenge = await gw.next('challenge');
      gw.send({
        type: 'hello',
        v: UPLINK_PROTOCOL_VERSION,
        site: 'tallinn',
        nonce: challenge.nonce,
        proof: proofFor(moscow, 'tallinn', challenge.nonce),
        agent: 'test',
        configVersions: {},
      });
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.BadCredential);
      assert.equal(hub.uplink.site('tallinn')?.linked ?? false, false);
    });

    it('an unknown site is refused exactly like a wrong secret', async () => {
      const gw = track(await TestGateway.open(hub.url));
      const challenge = await gw.next('challenge');
      const credential = `cgs1.nowhere.${'y'.repeat(43)}`;
      gw.send({
        type: 'hello',
        v: UPLINK_PROTOCOL_VERSION,
        site: 'nowhere',
        nonce: challenge.nonce,
        proof: proofFor(credential, 'nowhere', challenge.nonce),
        agent: 'test',
        configVersions: {},
      });
      const closed = await gw.whenClosed();
      assert.deepEqual(closed, { code: UplinkCloseCode.BadCredential, reason: 'UPLINK_ERR_BAD_CREDENTIAL' });
    });

    it('anything but a hello before authentication closes the socket (4009) and stores nothing', async () => {
      const gw = track(await TestGateway.open(hub.url));
      await gw.next('challenge');
      gw.sendRecords([{ seq: 1, record: callRecord(901) }]);
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.ProtocolViolation);
      assert.deepEqual(
        (await storedIds('moscow')).filter((id) => id === 'moscow-rec-901'),
        [],
      );
    });

    it('a gateway speaking a newer protocol version is told so (4004)', async () => {
      const gw = track(await TestGateway.open(hub.url));
      const challenge = await gw.next('challenge');
      gw.send({
        type: 'hello',
        v: 2,
        site: 'moscow',
        nonce: challenge.nonce,
        proof: proofFor(moscow, 'moscow', challenge.nonce),
        agent: 'test',
        configVersions: {},
      });
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.UnsupportedVersion);
    });

    it('a malformed record is acked as dead-lettered with the bad fields named, and not stored as a call', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const before = await deadLetters();
      const broken = { ...callRecord(20), outcome: 'teleported', durationSeconds: -5 };
      gw.sendRecords([
        { seq: 20, record: broken },
        { seq: 21, record: callRecord(21) },
      ]);
      const [bad, good] = await gw.acks(2);
      assert.equal(bad?.result, 'dead-lettered');
      assert.ok(bad?.problems?.some((p) => p.path === 'outcome'));
      assert.equal(good?.result, 'stored', 'the record behind the bad one is not blocked');
      assert.equal((await storedIds('moscow')).includes('moscow-rec-20'), false);
      assert.equal(await deadLetters(), before + 1);
      gw.close();
    });

    it("a record of another site on this site's link is refused, not stored", async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRecords([{ seq: 30, record: callRecord(30, 'tallinn') }]);
      const [ack] = await gw.acks(1);
      assert.equal(ack?.result, 'dead-lettered');
      assert.ok(ack?.problems?.some((p) => p.path === 'site'));
      assert.deepEqual(await storedIds('tallinn'), []);
      gw.close();
    });

    it('live events reach the live view; an event for another site is refused and reported', async () => {
      const gw = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      const at = new Date().toISOString();
      const status = (site: string, operatorId: string) => ({
        type: 'operator.status' as const,
        site,
        at,
        status: {
          operatorId,
          phone: 'idle' as const,
          work: 'ready' as const,
          pauseReason: null,
          since: at,
          callId: null,
        },
      });
      gw.send({
        type: 'snapshot',
        seq: 0,
        snapshot: { site: 'tallinn', at, amiConnected: true, operators: [], calls: [] },
      });
      gw.send({ type: 'events', seq: 1, events: [status('tallinn', 'op-1'), status('moscow', 'op-evil')] });
      const error = await gw.next('error');
      assert.equal(error.code, 'UPLINK_ERR_WRONG_SITE');
      const [t] = hub.core.live.state((s) => s === 'tallinn');
      assert.deepEqual(
        t?.operators.map((o) => o.operatorId),
        ['op-1'],
      );
      const [m] = hub.core.live.state((s) => s === 'moscow');
      assert.equal(
        m?.operators.some((o) => o.operatorId === 'op-evil'),
        false,
      );
      gw.close();
    });

    it('a gap in the live event sequence makes the hub ask for a snapshot', async () => {
      const gw = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      const at = new Date().toISOString();
      gw.send({
        type: 'snapshot',
        seq: 0,
        snapshot: { site: 'tallinn', at, amiConnected: true, operators: [], calls: [] },
      });
      gw.send({
        type: 'events',
        seq: 3,
        events: [{ type: 'call.held', site: 'tallinn', at, callId: 'c-1', operatorId: 'op-1' }],
      });
      await gw.next('resync');
      gw.close();
    });

    it('junk frames get an error each; a link that keeps sending junk is closed', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRaw('not json');
      assert.equal((await gw.next('error')).code, 'UPLINK_ERR_BAD_FRAME');
      gw.sendRaw(JSON.stringify({ type: 'records', records: [] }));
      assert.equal((await gw.next('error')).code, 'UPLINK_ERR_BAD_FRAME');
      for (let i = 0; i < 30; i++) gw.sendRaw('{');
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.ProtocolViolation);
    });

    it('record seqs that go backwards on one connection close it', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRecords([{ seq: 50, record: callRecord(50) }]);
      gw.sendRecords([{ seq: 49, record: callRecord(49) }]);
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.ProtocolViolation);
    });

    it('a new connection of the same site replaces the old one (4011) and the site stays linked', async () => {
      const first = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const second = track(await TestGateway.link(hub.url, 'moscow', moscow));
      assert.equal((await first.whenClosed()).code, UplinkCloseCode.Superseded);
      assert.equal(hub.uplink.site('moscow')?.linked, true);
      const [state] = hub.core.live.state((s) => s === 'moscow');
      assert.equal(state?.linked, true);
      second.close();
      await second.whenClosed();
    });

    it('rotating the site credential cuts the link that used the old one (4012) and refuses the old one after', async () => {
      const site = `rot-${engine}`;
      const oldCredential = await hub.addSite(site);
      const gw = track(await TestGateway.link(hub.url, site, oldCredential));
      const fresh = (await hub.core.sites.issueCredential('system', site)).credential;
      assert.equal((await gw.whenClosed()).code, UplinkCloseCode.CredentialRotated);
      const stale = track(await TestGateway.open(hub.url));
      const challenge = await stale.next('challenge');
      stale.send({
        type: 'hello',
        v: UPLINK_PROTOCOL_VERSION,
        site,
        nonce: challenge.nonce,
        proof: proofFor(oldCredential, site, challenge.nonce),
        agent: 'test',
        configVersions: {},
      });
      assert.equal((await stale.whenClosed()).code, UplinkCloseCode.BadCredential);
      const renewed = track(await TestGateway.link(hub.url, site, fresh));
      renewed.close();
    });

    it('a link that goes silent is closed by the hub within three heartbeats and the site shows unlinked', async () => {
      const gw = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      // Make the socket stop answering pings and sending anything: a half-open link.
      const socket = (gw.ws as unknown as { _socket: Socket })._socket;
      socket.pause();
      await eventually(() => hub.uplink.site('tallinn')?.linked === false, 'the hub to drop the silent link');
      assert.equal(hub.uplink.site('tallinn')?.linked, false);
      assert.equal(hub.core.live.state((s) => s === 'tallinn')[0]?.linked, false);
      gw.close();
    });

    it('the site directory, token keys and credential verifiers come down the link; versions already held are not resent', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const configs = [await gw.next('config'), await gw.next('config'), await gw.next('config')];
      assert.deepEqual(configs.map((c) => c.kind).sort(), ['directory', 'keys', 'verifiers']);
      for (const c of configs)
        gw.send({ type: 'config-ack', kind: c.kind, version: c.version, result: 'applied', code: null, message: null });
      gw.close();
      // Reconnect claiming those versions: nothing is pushed again.
      const again = track(await TestGateway.open(hub.url));
      const challenge = await again.next('challenge');
      again.send({
        type: 'hello',
        v: UPLINK_PROTOCOL_VERSION,
        site: 'moscow',
        nonce: challenge.nonce,
        proof: proofFor(moscow, 'moscow', challenge.nonce),
        agent: 'test',
        configVersions: Object.fromEntries(configs.map((c) => [c.kind, c.version])),
      });
      await again.next('welcome');
      await assert.rejects(again.next('config', 500), /no config/);
      // A change at the hub is pushed at once.
      await hub.core.sites.putQueue('system', 'moscow', 'support', 'Support line');
      const pushed = await again.next('config');
      assert.equal(pushed.kind, 'directory');
      assert.ok(pushed.kind === 'directory' && pushed.directory.queues.some((q) => q.name === 'support'));
      again.close();
    });

    it('a hub command reaches the linked site and resolves with its final reply', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      let accepted = false;
      const result = hub.uplink.sendCommand(
        'moscow',
        { name: 'dial', operatorId: 'op-1001', number: '+79161234567', crmRef: 'deal-7' },
        { onAccepted: () => (accepted = true) },
      );
      const command = await gw.next('command');
      assert.deepEqual(command.command, {
        name: 'dial',
        operatorId: 'op-1001',
        number: '+79161234567',
        crmRef: 'deal-7',
      });
      const reply = { commandId: command.commandId, code: null, message: null, duplicate: false };
      gw.send({ type: 'command-reply', reply: { ...reply, status: 'accepted', callId: null } });
      gw.send({ type: 'command-reply', reply: { ...reply, status: 'done', callId: 'cg-77' } });
      const final = await result;
      assert.equal(final.status, 'done');
      assert.equal(final.callId, 'cg-77');
      assert.equal(accepted, true);
      gw.close();
    });

    it('a command for a site that is not connected fails at once with UPLINK_ERR_SITE_OFFLINE', async () => {
      const reply = await hub.uplink.sendCommand(`offline-${engine}`, { name: 'log-out', operatorId: 'op-1' });
      assert.equal(reply.status, 'failed');
      assert.equal(reply.code, 'UPLINK_ERR_SITE_OFFLINE');
    });

    it('a command whose link dropped is sent again, same id, after the site reconnects', async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const result = hub.uplink.sendCommand(
        'moscow',
        { name: 'log-out', operatorId: 'op-1002' },
        { timeoutMs: 10_000 },
      );
      const first = await gw.next('command');
      gw.close();
      await gw.whenClosed();
      const back = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const resent = await back.next('command');
      assert.equal(resent.commandId, first.commandId);
      back.send({
        type: 'command-reply',
        reply: {
          commandId: resent.commandId,
          status: 'failed',
          code: 'GW_ERR_TELEPHONY_DOWN',
          message: 'AMI down',
          callId: null,
          duplicate: false,
        },
      });
      assert.equal((await result).code, 'GW_ERR_TELEPHONY_DOWN');
      back.close();
    });

    it("a reply from one site cannot settle another site's command", async () => {
      const gwM = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const gwT = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      const result = hub.uplink.sendCommand('moscow', { name: 'log-out', operatorId: 'op-1' }, { timeoutMs: 1000 });
      const command = await gwM.next('command');
      gwT.send({
        type: 'command-reply',
        reply: {
          commandId: command.commandId,
          status: 'done',
          code: null,
          message: null,
          callId: null,
          duplicate: false,
        },
      });
      assert.equal((await result).code, 'UPLINK_ERR_COMMAND_TIMEOUT');
      gwM.close();
      gwT.close();
    });

    it('a disposition saved at the site during an outage waits for its record, then is saved as the operator', async () => {
      await hub.core.users.create('system', {
        id: 'op-1001',
        name: 'Anna',
        role: 'operator',
        site: 'moscow',
        extension: '1001',
        password: 'correct horse battery',
      });
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      const disposition = {
        type: 'disposition' as const,
        id: 'd-1',
        // `<site>:<callId>`, the rule of recordIdOf (the sample records elsewhere here do not need it).
        recordId: 'moscow:rec-70',
        operatorId: 'op-1001',
        code: 'callback',
        notes: 'call back after 5 pm',
        savedAt: new Date().toISOString(),
      };
      // Sent before the record arrived: the hub says wait, and stores nothing.
      gw.send(disposition);
      const early = await gw.next('disposition-ack');
      assert.deepEqual([early.id, early.result], ['d-1', 'waiting']);
      gw.sendRecords([{ seq: 70, record: callRecord(70, 'moscow', { recordId: 'moscow:rec-70' }) }]);
      await gw.acks(1);
      gw.send(disposition);
      const saved = await gw.next('disposition-ack');
      assert.deepEqual([saved.id, saved.result, saved.code], ['d-1', 'saved', null]);
      const row = await hub.core.database.db
        .selectFrom('call_dispositions')
        .selectAll()
        .where('record_id', '=', 'moscow:rec-70')
        .executeTakeFirstOrThrow();
      assert.deepEqual([row.code, row.notes, row.saved_by], ['callback', 'call back after 5 pm', 'op-1001']);
      // Sent again (a lost ack): still saved, still one row.
      gw.send(disposition);
      assert.equal((await gw.next('disposition-ack')).result, 'saved');
      gw.close();
    });

    it("a site cannot save a disposition on another site's call, for an unknown operator or with an unknown code", async () => {
      const gw = track(await TestGateway.link(hub.url, 'moscow', moscow));
      gw.sendRecords([{ seq: 71, record: callRecord(71, 'moscow', { recordId: 'moscow:rec-71' }) }]);
      await gw.acks(1);
      const base = {
        type: 'disposition' as const,
        recordId: 'moscow:rec-71',
        operatorId: 'op-1001',
        code: 'resolved',
        notes: '',
        savedAt: new Date().toISOString(),
      };
      const cases = [
        { ...base, id: 'x-1', recordId: 'tallinn:rec-71' },
        { ...base, id: 'x-2', operatorId: 'op-9999' },
        { ...base, id: 'x-3', code: 'no-such-code' },
      ];
      for (const d of cases) {
        gw.send(d);
        const ack = await gw.next('disposition-ack');
        assert.deepEqual([ack.id, ack.result, ack.code], [d.id, 'refused', 'UPLINK_ERR_DISPOSITION_REFUSED'], d.id);
      }
      const rows = await hub.core.database.db
        .selectFrom('call_dispositions')
        .select('record_id')
        .where('record_id', '=', 'moscow:rec-71')
        .execute();
      assert.equal(rows.length, 0);
      gw.close();
    });

    it("supervisors see the site's outbox depth, oldest undelivered record and delivery rate in the live view", async () => {
      const gw = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      const changes: unknown[] = [];
      const stop = hub.core.live.subscribe((batch) => changes.push(...batch));
      const status = {
        at: new Date().toISOString(),
        outboxDepth: 1234,
        oldestUndeliveredAt: new Date(Date.now() - 3_600_000).toISOString(),
        deliveredPerSecond: 250,
        rejectedTotal: 0,
        connects: 2,
      };
      gw.send({ type: 'status', status });
      await eventually(
        () => hub.core.live.state((s) => s === 'tallinn')[0]?.uplink?.outboxDepth === 1234,
        'the live view',
      );
      stop();
      assert.deepEqual(hub.core.live.state((s) => s === 'tallinn')[0]?.uplink, status);
      assert.ok(
        changes.some(
          (c) =>
            (c as { kind: string; uplink?: { outboxDepth: number } }).kind === 'link' &&
            (c as { uplink?: { outboxDepth: number } }).uplink?.outboxDepth === 1234,
        ),
        'pushed to supervisors as a link change',
      );
      gw.close();
    });

    it("the site's outbox depth, oldest undelivered record and delivery rate are exported per site", async () => {
      const gw = track(await TestGateway.link(hub.url, 'tallinn', tallinn));
      const oldest = new Date(Date.now() - 120_000).toISOString();
      gw.send({
        type: 'status',
        status: {
          at: new Date().toISOString(),
          outboxDepth: 42,
          oldestUndeliveredAt: oldest,
          deliveredPerSecond: 17.5,
          rejectedTotal: 0,
          connects: 3,
        },
      });
      await eventually(() => hub.uplink.site('tallinn')?.status?.outboxDepth === 42, 'the status report');
      const text = await hub.core.metrics.registry.metrics();
      assert.match(text, /callgate_hub_uplink_outbox_depth\{site="tallinn"\} 42/);
      assert.match(text, /callgate_hub_uplink_delivery_rate\{site="tallinn"\} 17\.5/);
      const age = Number(
        /callgate_hub_uplink_oldest_undelivered_age_seconds\{site="tallinn"\} ([\d.]+)/.exec(text)?.[1],
      );
      assert.ok(age >= 120, `age ${age}`);
      assert.match(text, /callgate_hub_uplink_linked\{site="tallinn"\} 1/);
      gw.close();
    });
  });
}

describe('uplink endpoint under a flood of unauthenticated sockets', () => {
  it('connections beyond the limit of those still authenticating are refused with 1013 (try again later)', async () => {
    const hub = await startHarness('sqlite', { maxPendingConnections: 2 });
    try {
      const a = await TestGateway.open(hub.url);
      const b = await TestGateway.open(hub.url);
      await a.next('challenge');
      await b.next('challenge');
      const c = await TestGateway.open(hub.url);
      assert.equal((await c.whenClosed()).code, 1013);
      a.close();
      b.close();
      await a.whenClosed();
      await b.whenClosed();
      const credential = await hub.addSite('moscow');
      const d = await TestGateway.link(hub.url, 'moscow', credential);
      d.close();
    } finally {
      await hub.close();
    }
  });
});
