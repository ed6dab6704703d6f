import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  webhookEventValidator,
  type ApiErrorBody,
  type PageOf,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookWithSecret,
} from '@callgate/contracts';
import { verifyWebhookSignature } from '../src/webhooks/webhook-signature.js';
import { startHub } from '../src/hub.js';
import {
  api,
  login,
  PASSWORD,
  seedWorld,
  startTestHub,
  TEST_SCRYPT,
  type LoggedIn,
  type TestHub,
} from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';
import { eventually, WebhookReceiver, type Received } from './support/receiver.js';
import { pino } from 'pino';

for (const engine of ENGINES) {
  describe(`webhooks on ${engine}`, () => {
    let t: TestHub;
    let admin: LoggedIn;
    let receiver: WebhookReceiver;
    let hook: WebhookWithSecret;

    before(async () => {
      t = await startTestHub(engine, { webhooks: { backoffSeconds: [30, 60], maxAttempts: 3, timeoutSeconds: 0.5 } });
      await seedWorld(t);
      admin = await login(t.url, 'admin', PASSWORD);
    });
    after(() => t.close());
    beforeEach(async () => {
      receiver = new WebhookReceiver();
      const url = await receiver.start();
      const r = await api<WebhookWithSecret>(t.url, 'POST', '/api/v1/webhooks', {
        as: { token: admin.token },
        body: { url, events: ['call.offered', 'call.completed', 'disposition.saved'] },
      });
      assert.equal(r.status, 201);
      hook = r.body;
    });
    afterEach(async () => {
      await api(t.url, 'DELETE', `/api/v1/webhooks/${hook.webhook.id}`, { as: { token: admin.token } });
      await receiver.stop();
    });

    const deliveries = async () =>
      (
        await api<PageOf<WebhookDelivery>>(t.url, 'GET', `/api/v1/webhooks/deliveries?webhook=${hook.webhook.id}`, {
          as: { token: admin.token },
        })
      ).body.items;
    const eventOf = (r: Received): WebhookEvent => webhookEventValidator.assert(JSON.parse(r.body));
    const waitFor = (n: number) =>
      eventually(() => (receiver.received.length >= n ? receiver.received : undefined), `${n} deliveries`);

    it('sends a stored record to the CRM as a call.completed event signed with the webhook secret', async () => {
      const record = makeRecord();
      await t.hub.core.ingestRecord(record, 'site:tallinn');
      const [got] = await waitFor(1);
      assert.ok(got);
      const check = verifyWebhookSignature(
        hook.secret,
        got.headers['x-callgate-signature'] as string,
        got.body,
        Math.floor(t.clock.now / 1000),
      );
      assert.deepEqual(check, { ok: true });
      const event = eventOf(got);
      assert.equal(event.type, 'call.completed');
      assert.equal(got.headers['x-callgate-event'], 'call.completed');
      assert.equal(got.headers['x-callgate-event-id'], event.id);
      assert.deepEqual(event.type === 'call.completed' && event.data.record, record);
      assert.equal(
        verifyWebhookSignature(
          'whsec_other',
          got.headers['x-callgate-signature'] as string,
          got.body,
          Math.floor(t.clock.now / 1000),
        ).ok,
        false,
      );
      // A duplicate delivery of the same record is not a new event.
      await t.hub.core.ingestRecord(record, 'site:tallinn');
      await t.hub.core.dispatcher.tick();
      assert.equal(receiver.received.length, 1);
    });

    it('retries a failed delivery after the backoff, and the delivery log shows every attempt', async () => {
      receiver.script.push(500);
      await t.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
      await waitFor(1);
      const first = await eventually(
        async () => (await deliveries()).find((d) => d.attempts === 1 && d.status === 'pending'),
        'a retry scheduled',
      );
      assert.equal(first.nextAttemptAt, new Date(Date.parse(first.log[0]?.at ?? '') + 30_000).toISOString());
      await t.hub.core.dispatcher.tick();
      assert.equal(receiver.received.length, 1, 'not before the backoff');
      t.clock.advance(30_000);
      await t.hub.core.dispatcher.tick();
      const [a, b] = await waitFor(2);
      assert.equal(a?.headers['x-callgate-event-id'], b?.headers['x-callgate-event-id'], 'a retry is the same event');
      const done = await eventually(
        async () => (await deliveries()).find((d) => d.status === 'delivered'),
        'delivered',
      );
      assert.deepEqual(
        done.log.map((l) => l.statusCode),
        [200, 500],
      );
      assert.equal(done.attempts, 2);
    });

    it('marks a delivery failed after the last attempt and sends it again, same event id, on replay', async () => {
      receiver.script.push(503, 'hang', 503);
      await t.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
      await waitFor(1);
      for (const wait of [30_000, 60_000]) {
        await eventually(
          async () => (await deliveries()).find((d) => d.status === 'pending' && d.attempts > 0),
          'retry pending',
        );
        t.clock.advance(wait);
        await t.hub.core.dispatcher.tick();
      }
      const failed = await eventually(async () => (await deliveries()).find((d) => d.status === 'failed'), 'failed');
      assert.equal(failed.attempts, 3);
      assert.deepEqual(
        failed.log.map((l) => l.statusCode),
        [503, null, 503],
      );
      assert.match(failed.log[1]?.error ?? '', /no answer within 500 ms/);

      const replay = await api<WebhookDelivery>(t.url, 'POST', `/api/v1/webhooks/deliveries/${failed.id}/replay`, {
        as: { token: admin.token },
      });
      assert.equal(replay.status, 200);
      await t.hub.core.dispatcher.tick();
      const all = await waitFor(4);
      assert.equal(all[3]?.headers['x-callgate-event-id'], all[0]?.headers['x-callgate-event-id']);
      const delivered = await eventually(
        async () => (await deliveries()).find((d) => d.status === 'delivered'),
        'delivered after replay',
      );
      assert.equal(delivered.log.length, 4);
    });

    it('sends call.offered from live events and disposition.saved, and nothing a webhook did not subscribe to', async () => {
      const accepted = t.hub.core.acceptLiveEvent('tallinn', {
        type: 'call.offered',
        site: 'tallinn',
        at: new Date(t.clock.now).toISOString(),
        callId: 'live-1',
        direction: 'inbound',
        customerNumber: '+37251234567',
        line: null,
        queue: 'support',
        crmRef: null,
        operatorId: 'anna',
      });
      assert.ok(accepted.ok);
      t.hub.core.acceptLiveEvent('tallinn', {
        type: 'call.answered',
        site: 'tallinn',
        at: new Date(t.clock.now).toISOString(),
        callId: 'live-1',
        direction: 'inbound',
        customerNumber: '+37251234567',
        line: null,
        queue: 'support',
        crmRef: null,
        operatorId: 'anna',
      });
      const record = makeRecord();
      await t.hub.core.ingestRecord(record, 'site:tallinn');
      const anna = await login(t.url, 'anna', PASSWORD);
      await api(t.url, 'PUT', `/api/v1/calls/${record.recordId}/disposition`, {
        as: { token: anna.token },
        body: { code: 'sale', notes: 'two licences' },
      });
      const got = await waitFor(3);
      await t.hub.core.dispatcher.tick();
      const types = got.map((r) => eventOf(r).type).sort();
      assert.deepEqual(
        types,
        ['call.completed', 'call.offered', 'disposition.saved'],
        'call.answered was not subscribed',
      );
      const disposition = got.map(eventOf).find((e) => e.type === 'disposition.saved');
      assert.deepEqual(disposition?.data, {
        recordId: record.recordId,
        callId: record.callId,
        code: 'sale',
        label: 'Sale',
        notes: 'two licences',
        savedBy: 'anna',
      });
    });

    it('sends nothing to an inactive webhook, and refuses webhook URLs with credentials in them', async () => {
      await api(t.url, 'PATCH', `/api/v1/webhooks/${hook.webhook.id}`, {
        as: { token: admin.token },
        body: { active: false },
      });
      await t.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
      await t.hub.core.dispatcher.tick();
      assert.equal(receiver.received.length, 0);
      const r = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/webhooks', {
        as: { token: admin.token },
        body: { url: 'https://user:pass@crm.example/hook', events: ['call.completed'] },
      });
      assert.equal(r.status, 400);
      const notAdmin = await api(t.url, 'GET', '/api/v1/webhooks', {
        as: { token: (await login(t.url, 'sue', PASSWORD)).token },
      });
      assert.equal(notAdmin.status, 403);
    });

    it('delivers an event that was enqueued when the hub stopped, after it starts again', async () => {
      await t.hub.core.dispatcher.stop();
      await t.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
      assert.equal(receiver.received.length, 0);
      const second = await startHub({
        config: t.config,
        database: t.hub.core.database,
        clock: t.clock.fn,
        passwordCost: TEST_SCRYPT,
        logger: pino({ level: 'silent' }),
        webhookPollMs: 20,
      });
      try {
        const [got] = await waitFor(1);
        assert.equal(eventOf(got as Received).type, 'call.completed');
      } finally {
        await second.close();
        t.hub.core.dispatcher.start();
      }
    });
  });
}
