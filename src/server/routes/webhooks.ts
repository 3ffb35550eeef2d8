import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Delivery, Webhook } from '../../store/webhooks/webhook-repository.ts';
import { WEBHOOK_EVENTS } from '../../webhooks/events.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { authorize, type RoleRequirement } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Webhooks (admin): add a receiver for case events, see them, disable one, send it a
 * test ping, read its delivery log. Deliveries are signed (src/webhooks/signature.ts)
 * and sent from a durable outbox (src/server/webhooks/deliverer.ts). Adding and
 * disabling a webhook are ledger entries, in the same transaction.
 */

const EventName = z.enum([...WEBHOOK_EVENTS, '*']);

export const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(EventName),
    createdAt: z.string(),
    createdBy: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'Webhook' });

export const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().describe('HTTP status of the last attempt; null when no answer came'),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookList = z.object({ webhooks: z.array(WebhookSchema) });
export const OneWebhook = z.object({ webhook: WebhookSchema });
export const CreatedWebhook = z.object({
  webhook: WebhookSchema,
  secret: z.string().describe('Shown once: verify each delivery\'s Foedus-Signature header with it'),
});
export const DeliveryList = z.object({ deliveries: z.array(DeliverySchema) });

const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

const HttpUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address without credentials');

function view(w: Webhook): z.infer<typeof WebhookSchema> {
  return { id: w.id, url: w.url, events: w.events, createdAt: w.createdAt, createdBy: w.createdBy, disabledAt: w.disabledAt };
}

function deliveryView(d: Delivery): z.infer<typeof DeliverySchema> {
  const { webhookId: _w, ...rest } = d;
  return rest;
}

export const webhookRoutes: FastifyPluginAsyncZod<{ ctx: Pick<AppContext, 'store' | 'webhooks'> }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['webhooks'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };

  const existing = async (id: number) => {
    const w = await store.webhooks.get(id);
    if (!w) throw notFound(`Webhook ${id}`);
    return w;
  };

  app.get('/api/v1/webhooks', {
    schema: { tags, summary: 'Every webhook (admin)', response: { 200: WebhookList, ...denied } },
  }, async (request) => {
    authorize(request.actor, 'read', 'webhook');
    return { webhooks: (await store.webhooks.list()).map(view) };
  });

  app.post('/api/v1/webhooks', {
    config: { requires: [['create', 'webhook']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Add a webhook (admin): case events are POSTed to the URL as JSON, signed with HMAC-SHA256; the secret is returned once',
      body: z.strictObject({ url: HttpUrl, events: z.array(EventName).min(1).max(WEBHOOK_EVENTS.length + 1) }),
      response: { 201: CreatedWebhook, 400: ErrorResponse, ...denied },
    },
  }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, 'create', 'webhook');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const events = [...new Set(request.body.events)];
    const webhook = await store.transaction(async (tx) => {
      const w = await tx.webhooks.create({ url: request.body.url, secret, events, by: `user:${actor.username}`, at: new Date().toISOString() });
      // The secret never enters the ledger.
      await tx.ledger.append({ actor: `user:${actor.username}`, action: 'webhook.created', target: `webhook:${w.id}`, payload: { url: w.url, events: w.events } });
      return w;
    });
    return reply.code(201).send({ webhook: view(webhook), secret });
  });

  app.post('/api/v1/webhooks/:id/disable', {
    schema: { tags, summary: 'Disable a webhook (admin): nothing more is queued for it', params: IdParams, response: { 200: OneWebhook, ...denied, 404: ErrorResponse } },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'update', 'webhook');
    const before = await existing(request.params.id);
    const webhook = await store.transaction(async (tx) => {
      const w = (await tx.webhooks.disable(before.id, new Date().toISOString()))!;
      if (!before.disabledAt) await tx.ledger.append({ actor: `user:${actor.username}`, action: 'webhook.disabled', target: `webhook:${w.id}`, payload: { url: w.url } });
      return w;
    });
    return { webhook: view(webhook) };
  });

  app.post('/api/v1/webhooks/:id/test', {
    schema: {
      tags,
      summary: 'Send a test `ping` event to one webhook (admin); see the result in its deliveries',
      params: IdParams,
      response: { 202: z.object({ delivery: DeliverySchema }), 409: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    authorize(request.actor, 'update', 'webhook');
    const w = await existing(request.params.id);
    if (w.disabledAt) throw new HttpError(409, 'webhook_disabled', `Webhook ${w.id} is disabled: add it again to send to it.`);
    const at = new Date().toISOString();
    const event = { id: randomUUID(), type: 'ping' as const, at, data: { webhook: w.id, by: request.actor.username } };
    await store.webhooks.enqueueTo(w.id, event, at);
    void ctx.webhooks.tick();
    const [delivery] = (await store.webhooks.deliveries(w.id, 20)).filter((d) => d.eventId === event.id);
    return reply.code(202).send({ delivery: deliveryView(delivery!) });
  });

  app.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: 'A webhook\'s delivery log, newest first (admin)',
      params: IdParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: DeliveryList, ...denied, 404: ErrorResponse },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'webhook');
    await existing(request.params.id);
    return { deliveries: (await store.webhooks.deliveries(request.params.id, request.query.limit)).map(deliveryView) };
  });
};
