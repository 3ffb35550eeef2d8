import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { changesOf } from '../../ledger/changes.ts';
import type { LedgerEntry } from '../../ledger/chain.ts';
import type { AppContext } from '../context.ts';
import { authorize, can, type Actor } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * The ledger over HTTP (secretariat and admin: payloads may carry any party's restricted
 * notes): entries in order, optionally one record's history (`target=incident:42`), and
 * the verification of the whole chain.
 */

const FieldChange = z
  .object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() })
  .meta({ id: 'FieldChange' });

const Entry = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    payload: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
    changes: z.array(FieldChange).optional().describe("With target only: what this entry changed in the record, old → new (replayed from the record's earlier entries)"),
  })
  .meta({ id: 'LedgerEntry' });

/**
 * One record's history as the actor may see it. The policy's `read ledger` rule decides,
 * for /api/v1/ledger and /api/v1/incidents/{id}/history alike: those it grants see who
 * acted and the whole payload (it may carry any party's restricted notes); the others
 * see when and what kind of action, and which fields changed, without the values.
 */
export const HistoryEntry = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    action: z.string(),
    target: z.string(),
    hash: z.string(),
    actor: z.string().optional().describe('Only for roles the policy lets read the ledger'),
    payload: z.unknown().optional().describe('Only for roles the policy lets read the ledger'),
    changes: z.array(FieldChange).describe('Field by field; `from`/`to` only for roles the policy lets read the ledger'),
  })
  .meta({ id: 'HistoryEntry' });

export function historyFor(actor: Actor | null | undefined, entries: LedgerEntry[]): Array<z.infer<typeof HistoryEntry>> {
  const full = can(actor, 'read', 'ledger');
  const changes = changesOf(entries);
  return entries.map((e, i) => {
    const base = { seq: e.seq, at: e.at, action: e.action, target: e.target, hash: e.hash };
    return full
      ? { ...base, actor: e.actor, payload: e.payload, changes: changes[i]! }
      : { ...base, changes: changes[i]!.map((c) => ({ field: c.field })) };
  });
}

const Head = z.object({ seq: z.number().int(), hash: z.string() });

export const LedgerPage = z.object({
  entries: z.array(Entry),
  next: z.number().int().nullable().describe('Pass as `after` for the next page; null at the end'),
});

export const LedgerVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  head: Head.nullable().describe('The last intact entry: note it elsewhere to detect a later rewrite of the tail'),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string(), detail: z.string() }).optional(),
});

export const ledgerRoutes: FastifyPluginAsyncZod<{ ctx: Pick<AppContext, 'store'> }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['ledger'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };

  app.get('/api/v1/ledger', {
    schema: {
      tags,
      summary: "Ledger entries in order; with target, one record's history",
      querystring: z.strictObject({
        target: z.string().min(1).max(300).optional().describe('e.g. incident:42, user:alice'),
        after: z.coerce.number().int().min(0).optional().describe('Only entries after this seq (paging: pass the last seq you got)'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: LedgerPage, 400: ErrorResponse, ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'ledger');
    const { target, after, limit } = request.query;
    const entries = await store.ledger.list({ ...(target !== undefined ? { target } : {}), ...(after !== undefined ? { after } : {}), limit });
    const next = entries.length === limit ? entries.at(-1)!.seq : null;
    // One record's history from its start: each entry with what it changed. (A later page of it
    // lacks the earlier values, so only the first page is replayed.)
    if (target === undefined || after !== undefined) return { entries, next };
    const changes = changesOf(entries);
    return { entries: entries.map((e, i) => ({ ...e, changes: changes[i]! })), next };
  });

  app.get('/api/v1/ledger/verify', {
    schema: {
      tags,
      summary: 'Recompute the whole hash chain; names the first broken entry',
      response: { 200: LedgerVerification, ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'verify', 'ledger');
    return store.ledger.verify();
  });
};
