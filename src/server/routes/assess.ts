import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assess, compileCharters } from '../../charter/engine.ts';
import { isRealDate } from '../../incident/incident.ts';
import { normaliseIncident } from '../../incident/validate.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../guard.ts';
import { ErrorResponse, Incident } from './schemas.ts';

/** `POST /api/v1/assess`: an incident in the engine's format → the engine's assessment, unchanged. */

const Trace = z.array(z.object({ condition: z.string(), held: z.boolean(), detail: z.string() }));

export const AssessmentSchema = z
  .object({
    at: z.string(),
    triggered: z.array(z.object({
      charter: z.string(),
      article: z.string(),
      provision: z.string(),
      beneficiary: z.string().nullable(),
      obligated: z.array(z.string()),
      obligation: z.object({ action: z.string(), armed_force: z.string(), individually_or_collectively: z.boolean(), summary: z.string() }),
      decision: z.object({ rule: z.string(), body: z.string().nullable(), summary: z.string() }),
      deadline: z.object({ value: z.string().nullable(), text: z.string() }),
      trace: Trace,
    })),
    not_triggered: z.array(z.object({ charter: z.string(), article: z.string(), provision: z.string(), trace: Trace })),
    conflicts: z.array(z.object({
      parties: z.array(z.string()),
      between: z.array(z.object({ charter: z.string(), article: z.string() })),
      explanation: z.string(),
    })),
  })
  .meta({ id: 'Assessment' });

const AssessBody = z
  .strictObject({
    incident: Incident,
    at: z.string().refine(isRealDate, { message: 'not a real calendar date in the form YYYY-MM-DD' }).optional()
      .describe('Assess as of this day (default: the incident\'s date)'),
    lang: z.enum(['en', 'fr']).default('en').describe('Language of the explanations'),
  })
  .meta({ id: 'AssessRequest' });

export const assessRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Compiled once: regions, membership intervals and texts are prepared for every request.
  const compiled = compileCharters(ctx.charters);
  app.post('/api/v1/assess', {
    schema: {
      tags: ['assessment'],
      summary: 'Which provisions of which charters an incident triggers, for whom, by when, with the conditions that held or failed',
      body: AssessBody,
      response: { 200: AssessmentSchema, 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'run', { type: 'assessment' });
    const { incident, at, lang } = request.body;
    return assess(normaliseIncident(incident, 'body.incident'), compiled, at, { lang });
  });
};
