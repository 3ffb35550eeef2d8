import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InputError } from '../../errors.ts';
import { EXPORT_FORMATS, exportChunks } from '../../store/incidents/export.ts';
import { parseFilterText, type FilterText } from '../../store/incidents/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../guard.ts';
import { HttpError } from '../http-error.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * `GET /api/v1/incidents/export`: the incidents of a filter as CSV or GeoJSON, streamed
 * row by row from the store (constant memory, whatever the count). The rows and bytes
 * are those of `foedus incidents export` for the same filter (src/store/incidents/export.ts);
 * the filter goes through the same parser as the CLI's flags and the list's query.
 */

const Query = z.strictObject({
  format: z.enum(EXPORT_FORMATS).default('csv'),
  bbox: z.string().max(200).optional().describe('minLon,minLat,maxLon,maxLat in degrees (WGS 84)'),
  from: z.string().max(10).optional().describe('First day (inclusive), YYYY-MM-DD'),
  to: z.string().max(10).optional().describe('Last day (inclusive), YYYY-MM-DD'),
  kind: z.string().max(200).optional().describe('Incident kind(s), comma-separated'),
  country: z.string().max(200).optional().describe("ISO3 of the location's country (several: comma-separated)"),
  admin1: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  minFatalities: z.string().max(12).optional().meta({ type: 'integer', minimum: 0 }),
  dataset: z.string().max(200).optional(),
  precision: z.enum(['precise']).optional().describe('precise: leave out incidents placed only at an area or country centroid'),
  triggers: z.string().max(500).optional().describe('What the stored assessment triggers: any, a charter (aes-2023) or an article (aes-2023/6); comma-separated'),
});

const MEDIA = { csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json; charset=utf-8' } as const;

export const exportRoutes: FastifyPluginAsyncZod<{ ctx: Pick<AppContext, 'store'> }> = async (app, { ctx }) => {
  app.get('/api/v1/incidents/export', {
    schema: {
      tags: ['incidents'],
      summary: 'Export the incidents of a filter as CSV or GeoJSON (RFC 7946), streamed',
      querystring: Query,
      produces: [MEDIA.csv, MEDIA.geojson],
      response: {
        200: z.string().describe('CSV with a header row, or a GeoJSON FeatureCollection'),
        400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    guard(request, 'read', { type: 'incident' });
    const { format, ...text } = request.query;
    let filter;
    try {
      filter = parseFilterText(text as FilterText);
    } catch (err) {
      if (err instanceof InputError) throw new HttpError(400, 'invalid_request', err.message);
      throw err;
    }
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', MEDIA[format])
      .header('content-disposition', `attachment; filename="foedus-incidents-${day}.${format === 'csv' ? 'csv' : 'geojson'}"`)
      .header('cache-control', 'no-store')
      // A stream is piped as it is (no serializer): the 200 schema above only documents it.
      .send(Readable.from(exportChunks(ctx.store.incidents.iterate(filter), format)) as unknown as string);
  });
};
