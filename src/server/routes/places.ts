import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { placesInView, searchPlaces, type Place } from '../../incident/geo/gazetteer.ts';
import { guard } from '../guard.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Place names from the shipped gazetteer (GeoNames populated places of the AES, Natural Earth
 * admin-1 units): the names to print on a map view, and a place search for "go there".
 * Served rather than shipped to the browser: the 38,000 villages with their spellings stay here,
 * and a view or a search sends back a few dozen.
 */

export const PlaceSchema = z
  .object({
    id: z.string().describe('GeoNames id, or ne1:<id> for a Natural Earth admin-1 unit'),
    name: z.string(),
    lat: z.number(),
    lon: z.number(),
    country: z.string().describe('ISO3'),
    admin1: z.string().nullable().describe('The admin-1 unit the place is in, when known'),
    kind: z.enum(['capital', 'town', 'village', 'admin1']),
    population: z.number().int().describe('0 when the gazetteer gives none'),
    minZoom: z.number().int().describe('The lowest map zoom at which the place is named'),
  })
  .meta({ id: 'Place' });

const Places = z.object({ places: z.array(PlaceSchema) });

const bbox = z
  .string()
  .describe('minLon,minLat,maxLon,maxLat in degrees (WGS 84)')
  .transform((s, ctx) => {
    const n = s.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    const [w, s2, e, nn] = n as [number, number, number, number];
    if (w > e || s2 > nn) {
      ctx.addIssue({ code: 'custom', message: 'bbox minimum must not exceed its maximum (order: minLon,minLat,maxLon,maxLat)' });
      return z.NEVER;
    }
    return [w, s2, e, nn] as [number, number, number, number];
  });

const wire = (p: Place): z.infer<typeof PlaceSchema> => ({
  id: p.id, name: p.name, lat: p.lat, lon: p.lon, country: p.country, admin1: p.admin1, kind: p.kind, population: p.population, minZoom: p.minZoom,
});

export const placeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/v1/places', {
    schema: {
      tags: ['places'],
      summary: 'The place names to print on a map view at a zoom, most important first',
      querystring: z.strictObject({
        bbox,
        zoom: z.coerce.number().min(0).max(22).describe('Map zoom: capitals from 3, admin-1 units 5–8, towns by population, villages from 10'),
        limit: z.coerce.number().int().min(1).max(500).default(80),
      }),
      response: { 200: Places, 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    // Reference data: whoever may read the charters may read the gazetteer.
    guard(request, 'read', { type: 'charter' });
    const { bbox: box, zoom, limit } = request.query;
    return { places: placesInView(box, zoom, limit).map(wire) };
  });

  app.get('/api/v1/places/search', {
    schema: {
      tags: ['places'],
      summary: 'Places by name, accent- and case-insensitive ("tillaberi" finds Tillabéri); also alternate spellings',
      querystring: z.strictObject({
        q: z.string().trim().min(1).max(100),
        country: z.string().regex(/^[A-Z]{3}$/).optional().describe('ISO3'),
        limit: z.coerce.number().int().min(1).max(50).default(10),
      }),
      response: { 200: Places, 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'charter' });
    const { q, country, limit } = request.query;
    return { places: searchPlaces(q, limit, country).map(wire) };
  });
};
