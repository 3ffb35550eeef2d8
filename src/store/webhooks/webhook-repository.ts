import { randomUUID } from 'node:crypto';
import type { WebhookEvent, WebhookEventType } from '../../webhooks/events.ts';
import type { RepositoryContext } from '../store.ts';

/**
 * Webhooks (admin-configured receivers) and the outbox of their deliveries.
 *
 * `enqueue` runs inside the caller's transaction, beside the change it announces
 * (and `create`/`disable` beside their ledger entries, written by the caller). The
 * deliverer `claim`s due rows: a claim moves `next_attempt_at` forward by a lease with a
 * conditional update, so two processes never send the same attempt, and a process killed
 * mid-send leaves a row that is due again once its lease ends.
 */

export interface Webhook {
  id: number;
  url: string;
  events: Array<WebhookEventType | '*'>;
  createdAt: string;
  createdBy: string;
  disabledAt: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  webhookId: number;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** A claimed delivery: what the deliverer needs to send it. */
export interface ClaimedDelivery extends Delivery {
  url: string;
  secret: string;
  body: string;
}

export interface AttemptResult {
  at: string;
  /** The HTTP status received, or null when no answer came (refused, timed out). */
  status: number | null;
  error: string | null;
  /** When to try again; null: no more attempts (delivered, or given up). */
  retryAt: string | null;
  delivered: boolean;
}

export interface WebhookRepository {
  create(input: { url: string; secret: string; events: Webhook['events']; by: string; at: string }): Promise<Webhook>;
  list(): Promise<Webhook[]>;
  get(id: number): Promise<Webhook | null>;
  disable(id: number, at: string): Promise<Webhook | null>;
  /** Adds a delivery for every enabled webhook subscribed to the event; returns how many. */
  enqueue(event: WebhookEvent, at: string): Promise<number>;
  /** Adds a delivery of the event for one webhook (a test ping). */
  enqueueTo(webhookId: number, event: WebhookEvent, at: string): Promise<void>;
  /** Due deliveries (pending, next attempt at or before `now`), each leased until `leaseUntil`. */
  claim(now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Records one attempt's outcome. */
  record(id: string, result: AttemptResult): Promise<void>;
  /** A webhook's deliveries, newest first. */
  deliveries(webhookId: number, limit: number): Promise<Delivery[]>;
}

function toWebhook(r: Record<string, any>): Webhook {
  return { id: Number(r.id), url: r.url, events: JSON.parse(r.events), createdAt: r.created_at, createdBy: r.created_by, disabledAt: r.disabled_at ?? null };
}

function toDelivery(r: Record<string, any>): Delivery {
  return {
    id: r.id,
    webhookId: Number(r.webhook_id),
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at ?? null,
    lastAttemptAt: r.last_attempt_at ?? null,
    lastStatus: r.last_status === null || r.last_status === undefined ? null : Number(r.last_status),
    lastError: r.last_error ?? null,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at ?? null,
  };
}

const WEBHOOK_COLUMNS = ['id', 'url', 'events', 'created_at', 'created_by', 'disabled_at'] as const;

export function webhookRepository(ctx: RepositoryContext): WebhookRepository {
  const { db } = ctx;
  const get = async (id: number) => {
    const r = await db.selectFrom('webhook').select(WEBHOOK_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r ? toWebhook(r) : null;
  };
  const insertDelivery = async (webhookId: number, event: WebhookEvent, at: string) => {
    await db
      .insertInto('webhook_delivery')
      .values({ id: randomUUID(), webhook_id: webhookId, event_id: event.id, event_type: event.type, body: JSON.stringify(event), status: 'pending', attempts: 0, next_attempt_at: at, created_at: at })
      .execute();
  };
  return {
    async create(input) {
      const r = await db
        .insertInto('webhook')
        .values({ url: input.url, secret: input.secret, events: JSON.stringify(input.events), created_at: input.at, created_by: input.by })
        .returning(WEBHOOK_COLUMNS)
        .executeTakeFirstOrThrow();
      return toWebhook(r);
    },
    async list() {
      return (await db.selectFrom('webhook').select(WEBHOOK_COLUMNS).orderBy('id').execute()).map(toWebhook);
    },
    get,
    async disable(id, at) {
      await db.updateTable('webhook').set({ disabled_at: at }).where('id', '=', id).where('disabled_at', 'is', null).execute();
      return get(id);
    },
    async enqueue(event, at) {
      const hooks = (await db.selectFrom('webhook').select(WEBHOOK_COLUMNS).where('disabled_at', 'is', null).execute()).map(toWebhook);
      let n = 0;
      for (const h of hooks) {
        if (!h.events.includes('*') && !h.events.includes(event.type)) continue;
        await insertDelivery(h.id, event, at);
        n++;
      }
      return n;
    },
    enqueueTo: insertDelivery,
    async claim(now, leaseUntil, limit) {
      const due = await db
        .selectFrom('webhook_delivery as d')
        .innerJoin('webhook as w', 'w.id', 'd.webhook_id')
        .selectAll('d')
        .select(['w.url', 'w.secret'])
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .execute();
      const claimed: ClaimedDelivery[] = [];
      for (const r of due) {
        // Ours only if no other process moved it since we read it.
        const res = await db
          .updateTable('webhook_delivery')
          .set({ next_attempt_at: leaseUntil })
          .where('id', '=', r.id)
          .where('status', '=', 'pending')
          .where('next_attempt_at', '=', r.next_attempt_at)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) claimed.push({ ...toDelivery(r), nextAttemptAt: leaseUntil, url: r.url, secret: r.secret, body: r.body });
      }
      return claimed;
    },
    async record(id, result) {
      const row = await db.selectFrom('webhook_delivery').select(['attempts']).where('id', '=', id).executeTakeFirst();
      if (!row) return;
      await db
        .updateTable('webhook_delivery')
        .set({
          attempts: Number(row.attempts) + 1,
          last_attempt_at: result.at,
          last_status: result.status,
          last_error: result.error,
          status: result.delivered ? 'delivered' : result.retryAt ? 'pending' : 'failed',
          next_attempt_at: result.delivered ? null : result.retryAt,
          delivered_at: result.delivered ? result.at : null,
        })
        .where('id', '=', id)
        .execute();
    },
    async deliveries(webhookId, limit) {
      const rows = await db.selectFrom('webhook_delivery').selectAll().where('webhook_id', '=', webhookId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(toDelivery);
    },
  };
}
