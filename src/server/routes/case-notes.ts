import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isIso3 } from '../../incident/countries.ts';
import { caseParties } from '../../response/model.ts';
import type { CaseNote } from '../../store/cases/case-repository.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { langOf } from '../lang.ts';
import { authorize, can, type Actor, type RoleRequirement } from '../policy.ts';
import { NoteSchema } from './case-schemas.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Notes on a case. A shared note is read by everyone who reads the case; a restricted
 * note belongs to one party and is read only by that party's liaison, the secretariat
 * and admins (the policy table's `note.restricted`). Every route that shows a note goes
 * through `visible` here, and the feed announces a restricted note only to those who may
 * read it; webhooks never carry one.
 */

const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

const NoteBody = z.strictObject({
  text: z.string().trim().min(1, 'a note has some text').max(20_000),
  restricted: z.boolean().default(false).describe('Restrict the note to one party (its liaison, the secretariat, admins)'),
  party: z
    .string()
    .refine(isIso3, 'a party is an ISO 3166-1 alpha-3 code (MLI, BFA, NER)')
    .optional()
    .describe('The party a restricted note belongs to: a liaison\'s own (the default for a liaison); required from the secretariat'),
});

/** Whether this actor may read this note. */
export function visible(actor: Actor | null | undefined, note: Pick<CaseNote, 'party' | 'restricted'>): boolean {
  return can(actor, 'read', { type: 'note', party: note.party, restricted: note.restricted });
}

export const noteRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['cases'];

  app.get('/api/v1/cases/:id/notes', {
    schema: {
      tags,
      summary: 'Notes on a case that this user may read',
      params: IdParams,
      response: { 200: z.object({ notes: z.array(NoteSchema) }), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'note');
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    return { notes: (await store.cases.notes(c.id)).filter((n) => visible(request.actor, n)) };
  });

  app.post('/api/v1/cases/:id/notes', {
    config: { requires: [['create', 'note']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Add a note to a case, shared or restricted to one party',
      params: IdParams,
      querystring: z.strictObject({ lang: z.enum(['en', 'fr']).optional() }),
      body: NoteBody,
      response: { 201: z.object({ note: NoteSchema }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    const actor = request.actor;
    // Nobody signed in (401), or a role that may write no note at all (403), learns nothing of the case first.
    authorize(actor, 'create', { type: 'note', party: actor?.party ?? null });
    const lang = langOf(request);
    const c = await store.cases.get(request.params.id);
    if (!c) throw notFound(`Case ${request.params.id}`);
    const { text, restricted } = request.body;
    const party = request.body.party ?? actor.party ?? null;
    if (restricted && !party) {
      throw new HttpError(400, 'party_required', lang === 'fr' ? 'Une note restreinte appartient à une partie : indiquez party.' : 'A restricted note belongs to one party: give party.');
    }
    if (party && !caseParties(c).includes(party)) {
      throw new HttpError(400, 'party_not_in_case', lang === 'fr' ? `${party} n'est pas une partie du dossier ${c.id}.` : `${party} is not a party of case ${c.id}.`);
    }
    // A liaison writes for its own party only; the secretariat writes shared notes, or restricted ones for any party.
    authorize(actor, 'create', { type: 'note', party: actor.role === 'liaison' ? party : (restricted ? party : null), restricted });
    const at = ctx.clock().toISOString();
    const note = await store.transaction(async (tx) => {
      const n = await tx.cases.addNote({ caseId: c.id, party, restricted, text, at, by: actor.username });
      // The ledger is read by staff only, who may read every note.
      await tx.ledger.append({ actor: `user:${actor.username}`, action: 'case.note', target: `case:${c.id}`, payload: { note: n.id, party, restricted, text, contentHash: await tx.cases.contentHash(c.id) } });
      if (!restricted) {
        await tx.webhooks.enqueue({ id: crypto.randomUUID(), type: 'case.note', at, ...(c.exercise ? { exercise: true } : {}), data: { case: c.id, note: n.id, party, text, by: actor.username } }, at);
      }
      return n;
    });
    ctx.feed.publish('case.note', { case: c.id, note }, { type: 'note', party: note.party, restricted: note.restricted });
    if (!restricted) void ctx.webhooks.tick();
    return reply.code(201).send({ note });
  });
};
