/** Webhook subscriptions, the delivery log and replay (admin only). */
import {
  ApiErrorBody,
  CreateWebhookRequest,
  Page,
  PageQuery,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookWithSecret,
} from '@callgate/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actorOf, requireRole } from '../../accounts/access.js';
import type { HubCore } from '../../hub-core.js';
import { userOf } from '../authenticate.js';

const errors = { default: ApiErrorBody };
const WebhookParams = Type.Object(
  { webhook: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const DeliveryParams = Type.Object({ delivery: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export function webhookRoutes(core: HubCore): FastifyPluginAsyncTypebox {
  // eslint-disable-next-line @typescript-eslint/require-await
  return async (app) => {
    app.get(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Webhook subscriptions',
          response: { 200: Type.Array(Webhook), ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        return core.webhooks.list();
      },
    );

    app.post(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to events; the signing secret is returned once',
          body: CreateWebhookRequest,
          response: { 201: WebhookWithSecret, ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        void reply.header('cache-control', 'no-store');
        return reply.code(201).send(await core.webhooks.create(actorOf(principal), request.body));
      },
    );

    app.get(
      '/webhooks/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'The delivery log, newest first, each with its attempts',
          querystring: Type.Object(
            {
              webhook: Type.Optional(Type.String({ maxLength: 100 })),
              status: Type.Optional(WebhookDeliveryStatus),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(WebhookDelivery), ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        const q = request.query;
        return core.webhooks.deliveries({
          limit: q.limit ?? 50,
          ...(q.webhook === undefined ? {} : { webhookId: q.webhook }),
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );

    app.get(
      '/webhooks/deliveries/:delivery',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'One delivery and its attempts',
          params: DeliveryParams,
          response: { 200: WebhookDelivery, ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        return core.webhooks.delivery(request.params.delivery);
      },
    );

    app.post(
      '/webhooks/deliveries/:delivery/replay',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send a delivery again (same event id), from the start of the retry schedule',
          params: DeliveryParams,
          response: { 200: WebhookDelivery, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        return core.webhooks.replay(actorOf(principal), request.params.delivery);
      },
    );

    app.get(
      '/webhooks/:webhook',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'One subscription',
          params: WebhookParams,
          response: { 200: Webhook, ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        return core.webhooks.get(request.params.webhook);
      },
    );

    app.patch(
      '/webhooks/:webhook',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Change a subscription; rotateSecret returns a new secret once',
          params: WebhookParams,
          body: UpdateWebhookRequest,
          response: { 200: Type.Union([WebhookWithSecret, Webhook]), ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        void reply.header('cache-control', 'no-store');
        return core.webhooks.update(actorOf(principal), request.params.webhook, request.body);
      },
    );

    app.delete(
      '/webhooks/:webhook',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a subscription and its delivery log',
          params: WebhookParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        await core.webhooks.delete(actorOf(principal), request.params.webhook);
        return reply.code(204).send(null);
      },
    );
  };
}
