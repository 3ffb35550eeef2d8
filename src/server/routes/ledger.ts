import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { authorize } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * The ledger over HTTP (secretariat and admin: payloads may carry any party's restricted
 * notes): entries in order, optionally one record's history (`target=incident:42`), and
 * the verification of the whole chain.
 */

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
  })
  .meta({ id: 'LedgerEntry' });

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
    return { entries, next: entries.length === limit ? entries.at(-1)!.seq : null };
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
