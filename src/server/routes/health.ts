import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { errorBody, isStoreUnavailable, STORE_RETRY_AFTER_S } from '../errors.ts';
import { ErrorResponse } from './schemas.ts';

/** Liveness (the process answers) and readiness (the store answers). No sign-in needed. */

export const Health = z.object({ status: z.literal('ok') });

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', {
    schema: {
      tags: ['health'],
      summary: 'The process is up',
      response: { 200: Health },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'The store answers (503 otherwise); how far the background refresh of stored assessments is',
      response: {
        200: z.object({
          status: z.literal('ready'),
          store: z.string(),
          assessments: z.object({
            state: z.enum(['current', 'refreshing']),
            reason: z.enum(['charters_changed', 'new_incidents']).nullable(),
            done: z.number().int(),
            total: z.number().int(),
            charters: z.string().describe('The charter versions the stored assessments follow'),
          }).describe('The stored assessments: being refreshed in the background (after a charter change or new incidents), or current'),
        }),
        503: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    try {
      await withTimeout(ctx.store.ping(), 3_000);
    } catch (err) {
      request.log.warn({ err: { message: (err as Error).message } }, 'readiness: store does not answer');
      if (!isStoreUnavailable(err)) request.log.error({ err }, 'readiness: unexpected store error');
      return reply
        .code(503)
        .header('retry-after', String(STORE_RETRY_AFTER_S))
        .send(errorBody('store_unavailable', 'The database cannot be reached right now.', undefined, request.id));
    }
    return { status: 'ready' as const, store: ctx.store.dialect, assessments: { ...ctx.assessments.status } };
  });
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('store ping timed out'), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => { clearTimeout(t); resolve(v); },
      (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}
