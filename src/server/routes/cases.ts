import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assess } from '../../charter/engine.ts';
import { isIso3 } from '../../incident/countries.ts';
import { normaliseIncident } from '../../incident/validate.ts';
import { caseCommand, openCaseOptions } from '../../response/commands.ts';
import { CASE_STATES } from '../../response/model.ts';
import type { AppContext } from '../context.ts';
import { recordOpening, recordStep } from '../cases/record.ts';
import { noteRoutes } from './case-notes.ts';
import { HttpError, notFound } from '../http-error.ts';
import { langOf } from '../lang.ts';
import { authorize, type RoleRequirement } from '../policy.ts';
import { CaseEventSchema, CaseSchema, CaseSummarySchema, caseView } from './case-schemas.ts';
import { ErrorResponse, Incident } from './schemas.ts';

/**
 * Collective-response cases: list, open (from a stored incident, or a hypothetical one
 * for an exercise), read, and take a step. Every step is one POST to
 * /api/v1/cases/{id}/steps carrying the case version it was decided on; the step's
 * guards (src/response) and the policy table (src/server/policy.ts) decide, and a
 * refusal says which guard failed, in the user's language (?lang= or Accept-Language).
 */

/** Whoever may take some step on a case (the secretariat, a liaison); observers and admins take none. */
const CASE_STEP_ROLES: RoleRequirement = [['decide', 'case'], ['create', 'position'], ['acknowledge', 'obligation'], ['create', 'request'], ['create', 'pledge'], ['create', 'deployment']];

const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });
const Lang = z.enum(['en', 'fr']).optional().describe('Language of messages (default: Accept-Language, else English)');

const ListQuery = z.strictObject({
  state: z.enum(CASE_STATES).optional(),
  party: z.string().refine(isIso3, 'a party is an ISO 3166-1 alpha-3 code (MLI, BFA, NER)').optional().describe('Cases concerning this party'),
  exercise: z.enum(['true', 'false']).optional().describe('true: exercises only; false: real cases only; absent: both'),
  incident: z.string().min(1).max(200).optional(),
  before: z.coerce.number().int().positive().optional().describe('`next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  lang: Lang,
});

export const OpenCaseBody = openCaseOptions
  .extend({
    incidentId: z.string().min(1).max(200).optional().describe('A stored incident'),
    incident: Incident.optional().describe('A hypothetical incident (the What-if input): exercises only'),
  })
  .meta({
    id: 'OpenCase',
    examples: [{ incidentId: 'manual:3f1c…', charter: 'aes-2023', provision: '6.collective_defence', exercise: false, reason: 'Attack on Niger confirmed by the duty officer' }],
  });

export const StepBody = z
  .strictObject({ version: z.number().int().min(1).describe('The case version the step was decided on'), step: caseCommand })
  .meta({
    id: 'CaseStep',
    examples: [
      { version: 3, step: { type: 'record_position', party: 'MLI', value: 'support', statement: 'Le Mali se tient aux côtés du Niger.' } },
      { version: 7, step: { type: 'post_request', capability: 'troops', quantity: 2, unit: 'company', where: { lat: 14.2, lon: 1.45, area: 'Tillabéri' }, from: '2026-03-02', priority: 'critical' } },
    ],
  });

export const caseRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['cases'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };

  app.get('/api/v1/cases', {
    schema: {
      tags,
      summary: 'Response cases, newest first (filters: state, party, exercise, incident)',
      querystring: ListQuery,
      response: { 200: z.object({ cases: z.array(CaseSummarySchema), next: z.number().int().nullable() }), 400: ErrorResponse, ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'case');
    const q = request.query;
    const cases = await store.cases.list({
      state: q.state, party: q.party, incidentId: q.incident, before: q.before, limit: q.limit + 1,
      exercise: q.exercise === undefined ? undefined : q.exercise === 'true',
    });
    const more = cases.length > q.limit;
    const page = more ? cases.slice(0, q.limit) : cases;
    return { cases: page, next: more ? page.at(-1)!.id : null };
  });

  app.post('/api/v1/cases', {
    config: { requires: [['create', 'case']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Open a case on a provision the incident\'s assessment triggers (or an exercise, on any provision)',
      querystring: z.strictObject({ lang: Lang }),
      body: OpenCaseBody,
      response: { 201: z.object({ case: CaseSchema }), 400: ErrorResponse, ...denied, 404: ErrorResponse, 409: ErrorResponse },
    },
  }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, 'create', 'case');
    const lang = langOf(request);
    const { incidentId, incident: given, ...options } = request.body;
    if ((incidentId === undefined) === (given === undefined)) {
      throw new HttpError(400, 'invalid_request', lang === 'fr' ? 'Donnez soit incidentId (un incident enregistré), soit incident (un incident hypothétique, pour un exercice).' : 'Give either incidentId (a stored incident) or incident (a hypothetical one, for an exercise).');
    }
    const charter = ctx.charters.find((c) => c.id === options.charter);
    if (!charter) throw notFound(`Charter ${options.charter}`);
    let incident;
    if (incidentId !== undefined) {
      const record = await store.incidents.get(incidentId);
      if (!record) throw notFound(`Incident ${incidentId}`);
      incident = record.incident;
    } else {
      incident = normaliseIncident(given!, 'body.incident');
    }
    const assessment = assess(incident, ctx.charters, undefined, { lang });
    const c = await recordOpening(ctx, actor, { incidentId: incidentId ?? null, incident, charter, assessment, options }, ctx.clock(), lang);
    return reply.code(201).send({ case: caseView(c, ctx.clock()) });
  });

  app.get('/api/v1/cases/:id', {
    schema: { tags, summary: 'One case, with each obligation\'s status, each pledge\'s honour and each request\'s shortfall as of now', params: IdParams, querystring: z.strictObject({ lang: Lang }), response: { 200: z.object({ case: CaseSchema }), ...denied, 404: ErrorResponse } },
  }, async (request) => {
    authorize(request.actor, 'read', 'case');
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    return { case: caseView(c, ctx.clock()) };
  });

  app.post('/api/v1/cases/:id/steps', {
    config: { requires: CASE_STEP_ROLES satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Take a step on a case (consultation, position, decision, acknowledgement, request, pledge, deployment, stand-down…)',
      description: 'The step is refused with 409 when the case does not allow it (the message says which guard failed) or when `version` is stale, 403 when the policy does not let this user take it for that party, 404 when it names an item the case lacks.',
      params: IdParams,
      querystring: z.strictObject({ lang: Lang }),
      body: StepBody,
      response: { 200: z.object({ case: CaseSchema, events: z.array(CaseEventSchema) }), 400: ErrorResponse, ...denied, 404: ErrorResponse, 409: ErrorResponse },
    },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'read', 'case');
    const out = await recordStep(ctx, actor, request.params.id, request.body.version, request.body.step, ctx.clock(), langOf(request));
    return { case: caseView(out.case, ctx.clock()), events: out.events };
  });

  await app.register(noteRoutes, { ctx });
};
