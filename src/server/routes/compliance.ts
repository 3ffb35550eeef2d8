import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isIso3 } from '../../incident/countries.ts';
import { isRealDate } from '../../incident/incident.ts';
import { caseCompliance, partyCompliance } from '../../response/compliance.ts';
import { inbox, INBOX_KINDS } from '../../response/inbox.ts';
import { OBLIGATION_KINDS } from '../../response/model.ts';
import { exportCase } from '../../response/report/export.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { langOf } from '../lang.ts';
import { authorize } from '../policy.ts';
import { visible } from './case-notes.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Accountability: compliance per case and per party over a period (each figure with the
 * items it counts), the inbox of what waits for the signed-in user, and a case exported
 * as JSON or as a printable HTML report (with only the notes its reader may see).
 */

const text = z.object({ en: z.string(), fr: z.string() });
const ObligationItem = z.object({ case: z.number().int(), id: z.string(), kind: z.enum(OBLIGATION_KINDS), request: z.string().nullable(), due: z.string(), metAt: z.string().nullable(), hours: z.number().optional() });
const PledgeItem = z.object({ case: z.number().int(), id: z.string(), request: z.string(), quantity: z.number(), delivered: z.number() });
const fig = <T extends z.ZodType>(item: T) => z.object({ count: z.number().int(), items: z.array(item) });

const PartyFigures = z.object({
  party: z.string(),
  obligations: z.object({ met: fig(ObligationItem), metLate: fig(ObligationItem), unmet: fig(ObligationItem), overdue: fig(ObligationItem), pending: fig(ObligationItem), void: fig(ObligationItem) }),
  pledges: z.object({ honoured: fig(PledgeItem), partlyHonoured: fig(PledgeItem), dishonoured: fig(PledgeItem), released: fig(PledgeItem), outstanding: fig(PledgeItem) }).describe('Accepted pledges only'),
  notAccepted: fig(PledgeItem).describe('Offers never accepted: not judged'),
  meanTimeToAcknowledgeHours: z.number().nullable(),
  acknowledgements: fig(ObligationItem).describe('The acknowledgements the mean is taken over'),
  text,
}).meta({ id: 'PartyCompliance' });

const PeriodCompliance = PartyFigures.extend({
  from: z.string(),
  to: z.string(),
  cases: z.array(z.number().int()),
  excludedExercises: z.array(z.number().int()),
  scope: text,
}).meta({ id: 'PeriodCompliance' });

const InboxItem = z.object({
  case: z.number().int(),
  exercise: z.boolean(),
  kind: z.enum(INBOX_KINDS),
  party: z.string().nullable(),
  item: z.string(),
  due: z.string().nullable(),
  overdue: z.boolean(),
  text,
}).meta({ id: 'InboxItem' });

const day = z.string().refine(isRealDate, 'a day YYYY-MM-DD');
const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const complianceRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['cases'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };

  app.get('/api/v1/cases/:id/compliance', {
    schema: { tags, summary: 'Compliance of each party of one case, as of now', params: IdParams, response: { 200: z.object({ exercise: z.boolean(), parties: z.array(PartyFigures) }), ...denied, 404: ErrorResponse } },
  }, async (request) => {
    authorize(request.actor, 'read', 'case');
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    return { exercise: c.exercise, parties: caseCompliance(c, ctx.clock()) };
  });

  app.get('/api/v1/compliance', {
    schema: {
      tags,
      summary: 'One party\'s compliance across real cases: obligations settled (or due, while open) and pledges accepted from `from` to `to` (days, both included); exercises never counted',
      querystring: z.strictObject({
        party: z.string().refine(isIso3, 'a party is an ISO 3166-1 alpha-3 code (MLI, BFA, NER)'),
        from: day,
        to: day,
        lang: z.enum(['en', 'fr']).optional(),
      }),
      response: { 200: PeriodCompliance, 400: ErrorResponse, ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'case');
    const { party, from, to } = request.query;
    if (to < from) throw new HttpError(400, 'invalid_request', langOf(request) === 'fr' ? `to (${to}) précède from (${from}).` : `to (${to}) is before from (${from}).`);
    const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
    const cases = await store.cases.documents({ party });
    return partyCompliance(party, cases, { from: new Date(`${from}T00:00:00Z`), to: end }, ctx.clock());
  });

  app.get('/api/v1/inbox', {
    schema: { tags, summary: 'What waits for the signed-in user\'s action, soonest due first (the feed\'s inbox.changed says when to reload)', response: { 200: z.object({ items: z.array(InboxItem), overdue: z.number().int() }), ...denied } },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'read', 'case');
    const cases = actor.role === 'liaison' || actor.role === 'secretariat' ? await store.cases.documents({ party: actor.role === 'liaison' ? actor.party : null, openOnly: true }) : [];
    const items = inbox(actor, cases, ctx.clock());
    return { items, overdue: items.filter((i) => i.overdue).length };
  });

  app.get('/api/v1/cases/:id/export', {
    schema: {
      tags,
      summary: 'A case as JSON or as one printable HTML report (timeline, positions, requests, pledges, deployments, shortfall, compliance), with the notes this user may read',
      params: IdParams,
      querystring: z.strictObject({ format: z.enum(['json', 'html']).default('html'), lang: z.enum(['en', 'fr']).optional() }),
      produces: ['text/html', 'application/json'],
      response: { 200: z.string(), ...denied, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    authorize(request.actor, 'read', 'case');
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    const notes = (await store.cases.notes(c.id)).filter((n) => visible(request.actor, n));
    const format = request.query.format;
    const body = exportCase(c, notes, { format, lang: langOf(request), now: ctx.clock() });
    const name = `foedus-case-${c.id}${c.exercise ? '-exercise' : ''}.${format}`;
    return reply
      .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .serializer((s: string) => s)
      .send(body);
  });
};
