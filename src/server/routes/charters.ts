import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Charter } from '../../charter/schema.ts';
import { isRealDate } from '../../incident/incident.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../http-error.ts';
import { guard } from '../guard.ts';
import { ErrorResponse } from './schemas.ts';

/** The charters the server loaded: list, and one charter with its parties in force on a day. */

const text = z.object({ fr: z.string(), en: z.string() });

export const CharterSummary = z
  .object({
    id: z.string(),
    version: z.string(),
    title: text,
    shortTitle: text.nullable(),
    signed: z.object({ date: z.string(), place: z.string() }),
    inForce: z.object({ from: z.string(), until: z.string().nullable() }),
  })
  .meta({ id: 'CharterSummary' });

export const PartyAtDate = z
  .object({
    country: z.string().describe('ISO3'),
    inForce: z.boolean().describe('A party on that day.'),
    suspended: z.boolean().describe('Suspended on that day (a suspended party keeps its obligations).'),
    suspension: z.object({ from: z.string(), to: z.string().nullable(), scope: text }).nullable(),
    membership: z.array(z.object({ joined: z.string(), left: z.string().nullable() })),
  })
  .meta({ id: 'PartyAtDate' });

export const CharterDetail = z
  .object({
    summary: CharterSummary,
    at: z.string().describe('The day the parties are given for (YYYY-MM-DD).'),
    charterInForce: z.boolean().describe('Whether the charter itself was in force that day.'),
    parties: z.array(PartyAtDate).describe('Every party ever bound, with its status on `at`.'),
    charter: z.record(z.string(), z.unknown()).describe('The full charter file (articles, provisions, regions, sources, doubts), as in charters/*.yaml.'),
  })
  .meta({ id: 'CharterDetail' });

const day = z.string().refine(isRealDate, { message: 'not a real calendar date in the form YYYY-MM-DD' });

export const CharterList = z.array(CharterSummary);

export function summarise(c: Charter): z.infer<typeof CharterSummary> {
  return {
    id: c.id,
    version: c.version,
    title: c.title,
    shortTitle: c.short_title ?? null,
    signed: { date: c.signed.date, place: c.signed.place },
    inForce: { from: c.in_force.from, until: c.in_force.until },
  };
}

/** Dates are YYYY-MM-DD strings, so string order is date order. `left` / `to` are the first day no longer in that state. */
export function partiesAt(c: Charter, at: string): Array<z.infer<typeof PartyAtDate>> {
  return c.parties.map((p) => {
    const inForce = p.membership.some((m) => m.joined <= at && (m.left === null || at < m.left));
    const s = inForce ? p.suspensions.find((x) => x.from <= at && (x.to === null || at < x.to)) : undefined;
    return {
      country: p.country,
      inForce,
      suspended: Boolean(s),
      suspension: s ? { from: s.from, to: s.to, scope: s.scope } : null,
      membership: p.membership.map((m) => ({ joined: m.joined, left: m.left })),
    };
  });
}

export const charterRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/api/v1/charters', {
    schema: {
      tags: ['charters'],
      summary: 'The charters this server assesses against',
      response: { 200: CharterList, 401: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'charter' });
    return ctx.charters.map(summarise);
  });

  app.get('/api/v1/charters/:id', {
    schema: {
      tags: ['charters'],
      summary: 'One charter, with the parties in force on a day (today by default)',
      params: z.strictObject({ id: z.string().max(100) }),
      querystring: z.strictObject({ at: day.optional().describe('YYYY-MM-DD; default today (UTC)') }),
      response: { 200: CharterDetail, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'charter' });
    const c = ctx.charters.find((x) => x.id === request.params.id);
    if (!c) throw notFound(`Charter "${request.params.id}"`);
    const at = request.query.at ?? new Date().toISOString().slice(0, 10);
    return {
      summary: summarise(c),
      at,
      charterInForce: c.in_force.from <= at && (c.in_force.until === null || at <= c.in_force.until),
      parties: partiesAt(c, at),
      charter: c as unknown as Record<string, unknown>,
    };
  });
};
