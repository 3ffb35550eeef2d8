import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { actorOf, guard } from '../guard.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * The live feed as Server-Sent Events: `id: N`, `event: incident.created|incident.updated|
 * import.*|case.changed|case.note|inbox.changed|assessments.progress`, `data: {json}`, a comment
 * heartbeat every 15 s, and `event: shutdown` when the server stops. A client that sends
 * Last-Event-ID (a browser's EventSource does when it reconnects) first gets every event after it.
 */
export const eventRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/api/v1/events', {
    schema: {
      tags: ['events'],
      summary: 'Live feed of changes (text/event-stream)',
      description: 'Each event has an id that grows in the order changes were committed, on every server process. Reconnecting with `Last-Event-ID` sends the events made after it first (events are kept a day), so none is missed.',
      produces: ['text/event-stream'],
      headers: z.object({ 'last-event-id': z.string().optional().describe('The id of the last event received; the events after it are sent first.') }),
      response: { 401: ErrorResponse },
    },
  }, async (request, reply) => {
    guard(request, 'read', { type: 'feed' });
    // Anything but a whole number (another server's id scheme) is ignored: the stream starts from now.
    const last = request.headers['last-event-id'];
    const lastEventId = typeof last === 'string' && /^\d{1,15}$/.test(last.trim()) ? Number(last.trim()) : undefined;
    reply.hijack();
    ctx.feed.attach(reply.raw, actorOf(request), lastEventId);
  });
};
