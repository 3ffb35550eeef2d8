import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { actorOf, guard } from '../guard.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * The live feed as Server-Sent Events: `event: incident.created|incident.updated|
 * import.queued|import.progress|import.done|import.failed`, `data: {json}`,
 * a comment heartbeat every 15 s, and `event: shutdown` when the server stops.
 */
export const eventRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/api/v1/events', {
    schema: {
      tags: ['events'],
      summary: 'Live feed of changes (text/event-stream)',
      produces: ['text/event-stream'],
      response: { 401: ErrorResponse },
    },
  }, async (request, reply) => {
    guard(request, 'read', { type: 'feed' });
    reply.hijack();
    ctx.feed.attach(reply.raw, actorOf(request));
  });
};
