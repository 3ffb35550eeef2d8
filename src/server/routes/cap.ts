import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ATOM_MEDIA_TYPE, CAP_MEDIA_TYPE, capAtomFeed, caseAlerts, isCapToken, type CapAlert, type CapSender, type CapStep, type CaseAlertSource } from '../../alerts/index.ts';
import type { Charter } from '../../charter/schema.ts';
import type { Case } from '../../response/model.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { authorize } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * CAP 1.2 alerts of the cases (src/alerts): the opening of a case is its activation
 * (msgType Alert), the decision an Update (or a Cancel when it went against action),
 * the stand-down an Update, a withdrawal a Cancel. Served one by one at
 * /api/v1/cases/{id}/cap.xml (the newest, or ?alert=N) and all together, newest first,
 * as an Atom feed at /api/v1/cap.atom. Read access is that of the case.
 */

export const CAP_SENDER: CapSender = {
  id: process.env.FOEDUS_CAP_SENDER ?? 'foedus.alliance-secretariat',
  name: process.env.FOEDUS_CAP_SENDER_NAME ?? 'Foedus — secrétariat de l’alliance / alliance secretariat',
};
// A sender CAP refuses would fail every alert: say so at start, not on the first request.
if (!isCapToken(CAP_SENDER.id)) throw new Error(`FOEDUS_CAP_SENDER "${CAP_SENDER.id}" is not a CAP sender id: no spaces, commas, "<" or "&"`);

/** The transitions of a case that produce an alert. */
const ALERT_OF: Partial<Record<Case['state'], CapStep>> = {
  opened: 'activation',
  decided: 'decision',
  declined: 'declined',
  standing_down: 'stand_down',
  withdrawn: 'withdrawn',
};

export function alertSource(c: Case, charters: readonly Charter[]): CaseAlertSource {
  const charter = charters.find((x) => x.id === c.provision.charter);
  const article = charter?.articles.find((a) => a.number === c.provision.article);
  const inc = c.incident.snapshot;
  const steps = c.transitions.flatMap((t) => {
    const step = ALERT_OF[t.to];
    if (!step) return [];
    const text = step === 'decision' || step === 'declined'
      ? { en: `${c.decision?.explanation.en ?? ''} ${t.reason}`.trim(), fr: `${c.decision?.explanation.fr ?? ''} ${t.reason}`.trim() }
      : step === 'activation'
        ? { en: `${c.provision.summary.en} Obligated: ${c.provision.obligated.join(', ')}. ${t.reason}`, fr: `${c.provision.summary.fr} Parties obligées : ${c.provision.obligated.join(', ')}. ${t.reason}` }
        : { en: t.reason, fr: t.reason };
    return [{ step, at: t.at, text }];
  });
  return {
    caseId: String(c.id),
    exercise: c.exercise,
    incident: { id: c.incident.id, date: inc.date, country: inc.location.country ?? null, lat: inc.location.lat ?? null, lon: inc.location.lon ?? null, place: null },
    charter: { id: c.provision.charter, version: c.provision.charterVersion, name: charter?.short_title ?? charter?.title ?? { en: c.provision.charter, fr: c.provision.charter } },
    article: c.provision.article,
    provisionTitle: article?.title ?? c.provision.summary,
    beneficiary: c.provision.beneficiary,
    obligated: c.provision.obligated,
    steps,
  };
}

const CAP_TYPE = `${CAP_MEDIA_TYPE}; charset=utf-8`;

export const capRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['cases'];
  const raw = (s: string) => s;

  app.get('/api/v1/cases/:id/cap.xml', {
    schema: {
      tags,
      summary: 'A CAP 1.2 alert of a case: the newest, or the N-th (1 = the activation)',
      params: z.strictObject({ id: z.coerce.number().int().positive() }),
      querystring: z.strictObject({ alert: z.coerce.number().int().positive().optional() }),
      produces: ['application/cap+xml'],
      response: { 200: z.string(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    authorize(request.actor, 'read', 'case');
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    const alerts = caseAlerts(alertSource(c, ctx.charters), CAP_SENDER);
    const n = request.query.alert ?? alerts.length;
    const alert = alerts[n - 1];
    if (!alert) throw new HttpError(404, 'not_found', `Case ${c.id} has ${alerts.length} alert(s); there is no alert ${n}.`);
    return reply.type(CAP_TYPE).serializer(raw).send(alert.xml);
  });

  app.get('/api/v1/cap.atom', {
    schema: {
      tags,
      summary: 'Every case\'s CAP alerts as an Atom feed, newest first (the 100 most recently changed cases)',
      produces: ['application/atom+xml'],
      response: { 200: z.string(), 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request, reply) => {
    authorize(request.actor, 'read', 'case');
    const entries: Array<{ alert: CapAlert; href: string }> = [];
    for (const c of await store.cases.documents({ party: null, recent: 100 })) {
      caseAlerts(alertSource(c, ctx.charters), CAP_SENDER).forEach((alert, i) => entries.push({ alert, href: `/api/v1/cases/${c.id}/cap.xml?alert=${i + 1}` }));
    }
    const xml = capAtomFeed(entries, { id: `urn:foedus:cap:${CAP_SENDER.id}`, self: '/api/v1/cap.atom', title: 'Foedus — CAP alerts / alertes CAP', author: CAP_SENDER.name, now: ctx.clock().toISOString() });
    return reply.type(`${ATOM_MEDIA_TYPE}; charset=utf-8`).serializer(raw).send(xml);
  });
};
