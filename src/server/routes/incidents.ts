import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Charter } from '../../charter/schema.ts';
import { InputError } from '../../errors.ts';
import { INCIDENT_KINDS, isRealDate } from '../../incident/incident.ts';
import { DATE_PRECISIONS, LOCATION_PRECISIONS, type IncidentRecord } from '../../incident/record.ts';
import { normaliseIncident } from '../../incident/validate.ts';
import { recordDateProblem } from '../../incident/record-dates.ts';
import { countryName } from '../../incident/countries.ts';
import { parseFilterText, type FilterText } from '../../store/incidents/filter.ts';
import { VersionConflict, type AreaCount, type AreaLevel, type IncidentChanges } from '../../store/incidents/types.ts';
import type { Store } from '../../store/store.ts';
import type { AppContext } from '../context.ts';
import { actorId, guard } from '../guard.ts';
import type { RoleRequirement } from '../policy.ts';
import { HistoryEntry, historyFor } from './ledger.ts';
import { HttpError, notFound } from '../http-error.ts';
import { ActorSchema, ErrorResponse, Incident, IncidentListItemSchema, IncidentRecordSchema } from './schemas.ts';

/**
 * Incidents: the store's queries (list, count, timeline, by area, clusters),
 * one record and its history, and manual reports (create, edit with the
 * record's version). Every change is written with its ledger entry in one
 * transaction, then announced on the live feed.
 */

// ---------------------------------------------------------------- filters

/** The incident's content hash as its write left it, for the ledger entry (`ledger verify` compares it with the stored incident). */
async function contentHashOf(t: Store, id: string): Promise<string> {
  return (await t.incidents.contentHashes([id])).get(id)!.contentHash;
}

const day = z.string().refine(isRealDate, { message: 'not a real calendar date in the form YYYY-MM-DD' });

/** The filters as text: parseFilterText (src/store/incidents/filter.ts) checks them, as it does the CLI's flags. */
const filterFields = {
  bbox: z.string().optional().describe('minLon,minLat,maxLon,maxLat in degrees (WGS 84)'),
  from: z.string().optional().describe('First day (inclusive), YYYY-MM-DD'),
  to: z.string().optional().describe('Last day (inclusive), YYYY-MM-DD'),
  kind: z.string().optional().describe(`Incident kind(s), comma-separated: ${INCIDENT_KINDS.join(', ')}`),
  country: z.string().optional().describe('ISO3 of the location\'s country (several: comma-separated)'),
  admin1: z.string().min(1).max(200).optional().describe('Admin-1 name, as the source gives it or as derived'),
  actor: z.string().min(1).max(200).optional().describe('Actor name (substring, case-insensitive)'),
  // Text on the wire like every query parameter; documented as the integer it must spell.
  minFatalities: z.string().optional().describe('Best fatality estimate at least this').meta({ type: 'integer', minimum: 0 }),
  q: z.string().min(1).max(200).optional().describe('Full-text search in notes, place and actors'),
  triggers: z.string().max(500).optional().describe('What the stored assessment triggers: any, a charter (aes-2023) or an article (aes-2023/6); comma-separated, any of them'),
  cell: z.string().max(40).optional().describe('One map cluster\'s cell, "level/x/y" as /incidents/clusters gives it: exactly the incidents it counts'),
};

/** The query with its filters parsed: a bad one is a 400 invalid_request naming the parameter, like any other. */
function withFilter<S extends z.ZodObject<typeof filterFields & z.ZodRawShape>>(schema: S) {
  return schema.transform((q, ctx) => {
    try {
      return { ...q, filter: parseFilterText(q as FilterText) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });
}

const FilterQuery = withFilter(z.strictObject(filterFields));
const ListQuery = withFilter(z.strictObject({
  ...filterFields,
  cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}));
const TimelineQuery = withFilter(z.strictObject({ ...filterFields, interval: z.enum(['day', 'week', 'month']).default('month') }));
const AreaQuery = withFilter(z.strictObject({ ...filterFields, level: z.enum(['country', 'admin1']).default('country') }));
const ClusterQuery = withFilter(z.strictObject({
  ...filterFields,
  zoom: z.coerce.number().int().min(0).max(20),
  by: z.string().max(100).optional().describe('A charter id (aes-2023): each cluster also says how many of its incidents trigger each of its articles, to colour the map by article'),
}));

const WORLD: [number, number, number, number] = [-180, -90, 180, 90];

/** The numbers of a charter's articles that have provisions (those an assessment can name), in the text's order, over all its versions. */
function operativeArticles(charters: readonly Charter[], id: string): string[] {
  const versions = charters.filter((c) => c.id === id);
  if (versions.length === 0) {
    throw new HttpError(400, 'invalid_request', `querystring.by: unknown charter "${id}"; known: ${[...new Set(charters.map((c) => c.id))].join(', ')}`);
  }
  return [...new Set(versions.flatMap((c) => c.articles.filter((a) => (a.provisions ?? []).length > 0).map((a) => a.number)))];
}

function areaOut(a: AreaCount, level: AreaLevel) {
  const country = a.country ?? 'unknown';
  const countryLabel = a.country ? countryName(a.country) : 'No state (waters or airspace)';
  if (level === 'country') return { key: country, name: countryLabel, country: a.country, admin1: null, count: a.count, fatalities: a.fatalities };
  const admin1 = a.admin1 ?? null;
  return { key: `${country}/${admin1 ?? '?'}`, name: admin1 ?? `${countryLabel} (area unknown)`, country: a.country, admin1, count: a.count, fatalities: a.fatalities };
}

// ---------------------------------------------------------------- bodies

const editableFields = {
  notes: z.string().max(20_000).nullable().optional(),
  placeName: z.string().max(500).nullable().optional(),
  admin1: z.string().max(200).nullable().optional(),
  admin2: z.string().max(200).nullable().optional(),
  actors: z.array(ActorSchema).max(100).optional(),
  sources: z.array(z.string().min(1).max(2_000)).max(100).optional(),
  textLang: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "fr" or "en"').nullable().optional(),
  locationPrecision: z.enum(LOCATION_PRECISIONS).optional(),
  datePrecision: z.enum(DATE_PRECISIONS).optional(),
  dateEnd: day.nullable().optional(),
  fatalitiesLow: z.number().int().min(0).nullable().optional(),
  fatalitiesHigh: z.number().int().min(0).nullable().optional(),
};

const CreateBody = z.strictObject({ incident: Incident, ...editableFields }).meta({ id: 'IncidentCreate' });
const PatchBody = z
  .strictObject({
    version: z.number().int().min(1).describe('The version you read; a newer one on the server gives 409.'),
    incident: Incident.optional(),
    ...editableFields,
  })
  .meta({ id: 'IncidentPatch' });

type Editable = Partial<z.output<z.ZodObject<typeof editableFields>>>;

function applyEditable(base: IncidentChanges, b: Editable, current?: IncidentRecord): IncidentChanges {
  const out = base;
  if (b.notes !== undefined) out.notes = b.notes;
  if (b.placeName !== undefined) out.placeName = b.placeName;
  if (b.admin1 !== undefined) out.admin1 = b.admin1;
  if (b.admin2 !== undefined) out.admin2 = b.admin2;
  if (b.actors !== undefined) out.actors = b.actors;
  if (b.sources !== undefined) out.sources = b.sources;
  if (b.textLang !== undefined) out.textLang = b.textLang;
  if (b.locationPrecision !== undefined) out.locationPrecision = b.locationPrecision;
  if (b.datePrecision !== undefined) out.datePrecision = b.datePrecision;
  if (b.dateEnd !== undefined) out.dateEnd = b.dateEnd;
  if (b.fatalitiesLow !== undefined || b.fatalitiesHigh !== undefined || out.incident) {
    const prev = current?.fatalities ?? { best: null, low: null, high: null };
    out.fatalities = {
      best: out.incident ? (out.incident.fatalities ?? null) : prev.best,
      low: b.fatalitiesLow !== undefined ? b.fatalitiesLow : prev.low,
      high: b.fatalitiesHigh !== undefined ? b.fatalitiesHigh : prev.high,
    };
  }
  return out;
}

/** A 400 about one field of the body, named in the message and in details.fields (where the UI shows it beside the field). */
function fieldRefused(field: string, reason: string): HttpError {
  return new HttpError(400, 'invalid_request', `${field}: ${reason}`, { fields: [{ field, reason }] });
}

/** A record's days within what Foedus records (src/incident/record-dates.ts), or a 400 naming the field. */
function checkDates(date: string, dateEnd: string | null | undefined, now: string): void {
  const p = recordDateProblem(date, dateEnd, now);
  if (p) throw fieldRefused(p.field === 'date' ? 'body.incident.date' : 'body.dateEnd', p.reason);
}

function checkFatalities(f: IncidentRecord['fatalities'] | undefined): void {
  if (!f) return;
  if (f.low !== null && f.high !== null && f.low > f.high) {
    throw new HttpError(400, 'invalid_request', `body.fatalitiesLow (${f.low}) is above body.fatalitiesHigh (${f.high})`);
  }
}

/** What the live feed says about a record: enough to place it on a map, nothing restricted. */
function feedItem(r: IncidentRecord) {
  return {
    id: r.id,
    version: r.version,
    date: r.incident.date,
    kind: r.incident.kind,
    country: r.incident.location.country ?? null,
    lat: r.incident.location.lat ?? null,
    lon: r.incident.location.lon ?? null,
    fatalities: r.fatalities.best,
    dataset: r.source.dataset,
    updatedAt: r.updatedAt,
  };
}

const recordParams = z.strictObject({ id: z.string().min(1).max(300) });

// ---------------------------------------------------------------- routes

export const incidentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store, feed } = ctx;
  const tags = ['incidents'];

  app.get('/api/v1/incidents', {
    schema: {
      tags,
      summary: 'Incidents matching the filters, newest first, one page at a time',
      description: 'Items come without their raw source reports (`reports` is empty): GET /api/v1/incidents/{id} gives an incident with them.',
      querystring: ListQuery,
      response: {
        200: z.object({ items: z.array(IncidentListItemSchema), nextCursor: z.string().nullable() }),
        400: ErrorResponse,
        401: ErrorResponse,
      },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    const q = request.query;
    return store.incidents.query(q.filter, { cursor: q.cursor ?? null, limit: q.limit, withReports: false });
  });

  app.get('/api/v1/incidents/count', {
    schema: {
      tags,
      summary: 'How many incidents match the filters',
      querystring: FilterQuery,
      response: { 200: z.object({ count: z.number().int() }), 400: ErrorResponse, 401: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    return { count: await store.incidents.count(request.query.filter) };
  });

  app.get('/api/v1/incidents/timeline', {
    schema: {
      tags,
      summary: 'Incidents and fatalities per day, week or month',
      querystring: TimelineQuery,
      response: {
        200: z.object({ buckets: z.array(z.object({ period: z.string(), count: z.number().int(), fatalities: z.number() })) }),
        400: ErrorResponse,
        401: ErrorResponse,
      },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    return { buckets: await store.incidents.timeline(request.query.filter, request.query.interval) };
  });

  app.get('/api/v1/incidents/by-area', {
    schema: {
      tags,
      summary: 'Incidents and fatalities per country or admin-1 area (choropleths)',
      querystring: AreaQuery,
      response: {
        200: z.object({
          areas: z.array(z.object({
            key: z.string().describe('ISO3 (country level) or "ISO3/admin-1 name"'),
            name: z.string(),
            country: z.string().nullable(),
            admin1: z.string().nullable(),
            count: z.number().int(),
            fatalities: z.number(),
          })),
        }),
        400: ErrorResponse,
        401: ErrorResponse,
      },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    const level = request.query.level;
    return { areas: (await store.incidents.byArea(request.query.filter, level)).map((a) => areaOut(a, level)) };
  });

  app.get('/api/v1/incidents/clusters', {
    schema: {
      tags,
      summary: 'Point clusters for a map viewport at a zoom level; their counts add up to `total`',
      querystring: ClusterQuery,
      response: {
        200: z.object({
          clusters: z.array(z.object({
            lat: z.number(),
            lon: z.number(),
            count: z.number().int(),
            coarse: z.number().int().describe('How many are placed only at an admin-area or country centroid'),
            cell: z.string(),
            id: z.string().optional().describe('Set when the cluster is one incident'),
            precision: z.enum(LOCATION_PRECISIONS).optional(),
            triggering: z.number().int().optional().describe('With `by`: how many trigger at least one article of that charter'),
            articles: z.record(z.string(), z.number().int()).optional().describe('With `by`: per article number, how many trigger it (an incident may count under several)'),
          })),
          total: z.number().int().describe('Sum of the cluster counts; equals the count for the same filters'),
          level: z.number().int(),
        }),
        400: ErrorResponse,
        401: ErrorResponse,
      },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    const { filter, zoom, by } = request.query;
    const q = { ...filter, bbox: filter.bbox ?? WORLD, zoom };
    if (by === undefined) return store.incidents.clusters(q);
    return store.incidents.clustersByArticle(q, by, operativeArticles(ctx.charters, by));
  });

  app.get('/api/v1/incidents/:id', {
    schema: {
      tags,
      summary: 'One incident record',
      params: recordParams,
      response: { 200: IncidentRecordSchema, 401: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    const r = await store.incidents.get(request.params.id);
    if (!r) throw notFound(`Incident "${request.params.id}"`);
    return r;
  });

  app.get('/api/v1/incidents/:id/history', {
    schema: {
      tags,
      summary: 'Ledger entries for this record (who changed what, when)',
      params: recordParams,
      response: { 200: z.object({ entries: z.array(HistoryEntry) }), 401: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    const actor = guard(request, 'read', { type: 'incident' });
    const { incidents, ledger } = store;
    const r = await incidents.get(request.params.id);
    if (!r) throw notFound(`Incident "${request.params.id}"`);
    const entries = await ledger.list({ target: `incident:${r.id}`, limit: 1000 });
    // Who acted and the payloads: the same policy rule as /api/v1/ledger (routes/ledger.ts).
    return { entries: historyFor(actor, entries) };
  });

  app.post('/api/v1/incidents', {
    config: { requires: [['create', 'incident']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Report an incident by hand (dataset "manual", id a new UUID)',
      description: 'Foedus gives the record its id: an `incident.id` in the body is refused (400 naming `body.incident.id`), not replaced. '
        + 'A record says what happened, so `incident.date` lies between 1900-01-01 and tomorrow by the server\'s clock (one day of slack for time zones) '
        + 'and `dateEnd` is never before it; each refusal is a 400 naming the field in `details.fields`. POST /api/v1/assess (what-if) takes any day.',
      body: CreateBody,
      response: { 201: IncidentRecordSchema, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
    },
  }, async (request, reply) => {
    const incident = normaliseIncident(request.body.incident, 'body.incident');
    guard(request, 'create', { type: 'incident', party: incident.location.country ?? null });
    const actor = actorId(request);
    const now = ctx.clock().toISOString();
    const b = request.body;
    if (incident.id !== undefined) {
      throw fieldRefused('body.incident.id', 'Foedus gives a recorded incident its id; leave "id" out (an import keeps a source\'s own ids)');
    }
    checkDates(incident.date, b.dateEnd, now);
    const id = randomUUID();
    const record: IncidentRecord = {
      id,
      incident: { ...incident, id },
      source: { dataset: 'manual', id, eventType: null, subEventType: null },
      actors: b.actors ?? (incident.perpetrator.name ? [{ name: incident.perpetrator.name, role: 'perpetrator', country: incident.perpetrator.country ?? null }] : []),
      admin1: b.admin1 ?? null,
      admin2: b.admin2 ?? null,
      admin1Derived: null,
      placeName: b.placeName ?? null,
      locationPrecision: b.locationPrecision ?? (incident.location.lat !== undefined ? 'exact' : 'country'),
      sourcePrecision: {},
      dateEnd: b.dateEnd ?? null,
      datePrecision: b.datePrecision ?? 'day',
      fatalities: { best: incident.fatalities ?? null, low: b.fatalitiesLow ?? null, high: b.fatalitiesHigh ?? null },
      notes: b.notes ?? null,
      sources: b.sources ?? [],
      textLang: b.textLang ?? null,
      reports: [],
      assessment: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    checkFatalities(record.fatalities);
    const created = await store.transaction(async (t) => {
      const r = await t.incidents.create(record, actor);
      await t.ledger.append({ actor, action: 'incident.create', target: `incident:${r.id}`, payload: { id: r.id, version: r.version, incident: { ...r.incident }, contentHash: await contentHashOf(t, r.id) } });
      return r;
    });
    feed.publish('incident.created', feedItem(created));
    ctx.assessments.kick();
    return reply.code(201).header('location', `/api/v1/incidents/${encodeURIComponent(created.id)}`).send(created);
  });

  app.patch('/api/v1/incidents/:id', {
    config: { requires: [['update', 'incident']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Edit an incident; send the version you read (409 when someone changed it since)',
      description: 'The days follow the rules of POST /api/v1/incidents when `incident` or `dateEnd` changes; an `incident.id` other than this record\'s is refused.',
      params: recordParams,
      body: PatchBody,
      response: { 200: IncidentRecordSchema, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'incident' });
    const { version, incident: rawIncident, ...rest } = request.body;
    if (rawIncident === undefined && Object.keys(rest).length === 0) {
      throw new HttpError(400, 'invalid_request', 'body: nothing to change; send at least one field besides version');
    }
    const actor = actorId(request);
    const incident = rawIncident ? normaliseIncident(rawIncident, 'body.incident') : undefined;
    const updated = await store.transaction(async (t) => {
      const current = await t.incidents.get(request.params.id);
      if (!current) throw notFound(`Incident "${request.params.id}"`);
      // Both the record as it is and as it would become must be the actor's to edit.
      guard(request, 'update', { type: 'incident', party: current.incident.location.country ?? null });
      if (incident) guard(request, 'update', { type: 'incident', party: incident.location.country ?? null });
      if (incident?.id !== undefined && incident.id !== current.id) {
        throw fieldRefused('body.incident.id', `"${incident.id}" is not this incident's id ("${current.id}"); leave "id" out`);
      }
      const changes: IncidentChanges = incident ? { incident: { ...incident, id: current.id } } : {};
      applyEditable(changes, rest, current);
      if (changes.incident || changes.dateEnd !== undefined) {
        checkDates(changes.incident?.date ?? current.incident.date, changes.dateEnd !== undefined ? changes.dateEnd : current.dateEnd, ctx.clock().toISOString());
      }
      checkFatalities(changes.fatalities);
      const r = await t.incidents.update(current.id, changes, version, actor);
      if (!r) throw notFound(`Incident "${request.params.id}"`);
      if (r instanceof VersionConflict) {
        throw new HttpError(409, 'version_conflict', `This incident was changed since you read it (you sent version ${version}; it is now version ${r.currentVersion}, by ${r.updatedBy ?? 'an import'} at ${r.updatedAt}). Reload it and apply your edit again.`, {
          currentVersion: r.currentVersion,
          updatedBy: r.updatedBy,
          updatedAt: r.updatedAt,
        });
      }
      await t.ledger.append({
        actor,
        action: 'incident.update',
        target: `incident:${r.id}`,
        payload: { id: r.id, fromVersion: version, version: r.version, changes: changes as Record<string, unknown>, contentHash: await contentHashOf(t, r.id) },
      });
      return r;
    });
    feed.publish('incident.updated', feedItem(updated));
    ctx.assessments.kick();
    return updated;
  });
};
