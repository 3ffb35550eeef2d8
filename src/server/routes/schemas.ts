import { z } from 'zod';
import { incidentSchema } from '../../incident/incident.ts';
import { DATE_PRECISIONS, LOCATION_PRECISIONS, SOURCE_DATASETS } from '../../incident/record.ts';

/** Response schemas shared by the routes (and named in the OpenAPI document). */

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. invalid_request, not_found, version_conflict.'),
      message: z.string().describe('What went wrong, for a person.'),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().optional().describe('The x-request-id of the answer, under which the server logged the request: quote it when reporting a problem.'),
    }),
  })
  .meta({ id: 'Error' });

/** The answer of an action that has nothing else to say. */
export const Ok = z.object({ ok: z.literal(true) });

export const Incident = incidentSchema.meta({ id: 'Incident', description: 'An incident in the assessment engine\'s format.' });

export const ActorSchema = z
  .object({
    name: z.string().min(1).max(500),
    role: z.string().min(1).max(100).describe('The column the source put it in (side_a, side_b, actor1…); never read as attacker/victim.'),
    inter: z.number().int().min(0).max(9).nullable().optional(),
    country: z.string().nullable().optional(),
  })
  .meta({ id: 'Actor' });

const SourceReportSchema = z
  .object({
    dataset: z.enum(SOURCE_DATASETS),
    sourceId: z.string().nullable(),
    sourceTimestamp: z.number().nullable().optional(),
    raw: z.record(z.string(), z.unknown()).describe('The raw row or feature as read'),
    importedAt: z.string(),
  });

export const IncidentRecordSchema = z
  .object({
    id: z.string(),
    incident: Incident,
    source: z.object({
      dataset: z.enum(SOURCE_DATASETS),
      id: z.string().nullable(),
      eventType: z.string().nullable(),
      subEventType: z.string().nullable(),
      timestamp: z.number().nullable().optional(),
    }),
    actors: z.array(ActorSchema),
    admin1: z.string().nullable(),
    admin2: z.string().nullable(),
    admin1Derived: z.string().nullable(),
    placeName: z.string().nullable(),
    locationPrecision: z.enum(LOCATION_PRECISIONS),
    sourcePrecision: z.object({ where: z.number().nullable().optional(), date: z.number().nullable().optional() }),
    dateEnd: z.string().nullable(),
    datePrecision: z.enum(DATE_PRECISIONS),
    fatalities: z.object({ best: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }),
    notes: z.string().nullable(),
    sources: z.array(z.string()),
    textLang: z.string().nullable(),
    reports: z.array(SourceReportSchema).describe('The raw source reports folded into this incident.'),
    assessment: z.array(z.string()).nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'IncidentRecord' });

/**
 * An incident in a list (GET /api/v1/incidents): the record without its raw source
 * reports, which are half of a record's bytes and which no list or map view shows.
 * `reports` is always empty here; GET /api/v1/incidents/{id} gives them.
 */
export const IncidentListItemSchema = IncidentRecordSchema.extend({
  reports: z
    .array(SourceReportSchema)
    .max(0)
    .describe('Always empty in lists: the raw source reports come with the single incident, GET /api/v1/incidents/{id}.'),
}).meta({ id: 'IncidentListItem' });
