import { recordDateProblem } from './record-dates.ts';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import type { Incident } from './incident.ts';
import type { IncidentRecord, LocationPrecision, SourceDataset } from './record.ts';
import { admin1At } from './geo/index.ts';
import { describeZodIssues, formatPath, normaliseIncident } from './validate.ts';
import { incidentSchema } from './incident.ts';
import { readJsonElements } from './jsonstream.ts';

/**
 * The incident JSON format (one incident or an array, as in issue 2) →
 * incident records. Each element is validated and normalised on its own:
 * a bad element is reported with its JSON path and the rest go on.
 * Record ids are `incident_json:<id>` when the incident has an id, else
 * `incident_json:<hash of its content>`, so re-importing a file is idempotent.
 */

/** A rejected element of a JSON or GeoJSON import. */
export interface ItemError {
  /** Position of the element in the array (0 for a lone object). */
  index: number;
  /** Line where the element starts in the file, 0 when not known (already-parsed input). */
  line: number;
  /** JSON path of the fault from the document's root ("[3].location.lat", "features[2].geometry.type"); null for a whole lone document. */
  path: string | null;
  /** For people: file, line and path ("incidents.json:12: [3].location.lat"). */
  where: string;
  reason: string;
}

/** Where an element sits: its index, line (0 unknown), path from the root ("[3]", "features[3]", "" for a lone object). */
export interface ElementAt {
  file: string;
  index: number;
  line: number;
  path: string;
}

export function joinPath(base: string, inner: string | null): string | null {
  if (!inner) return base || null;
  if (!base) return inner;
  return inner.startsWith('[') ? `${base}${inner}` : `${base}.${inner}`;
}

export function itemError(at: ElementAt, inner: string | null, reason: string): ItemError {
  const path = joinPath(at.path, inner);
  const where = `${at.file}${at.line ? `:${at.line}` : ''}${path ? `: ${path}` : ''}`;
  return { index: at.index, line: at.line, path, where, reason };
}

/**
 * Validate and normalise one incident-format object; on failure, the JSON
 * path of the (first) fault inside it and the reason (all schema problems).
 */
export function validateElement(value: unknown): { incident: Incident } | { path: string | null; reason: string } {
  const parsed = incidentSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first && first.path.length ? formatPath(first.path) : null;
    return { path, reason: describeZodIssues(parsed.error.issues) };
  }
  const marker = '\u0000';
  try {
    return { incident: normaliseIncident(parsed.data, marker) };
  } catch (e) {
    if (e instanceof InputError && e.where?.startsWith(`${marker}: `)) {
      return { path: e.where.slice(marker.length + 2), reason: e.message.slice(e.where.length + 2) };
    }
    throw e;
  }
}

export function isItemError(x: IncidentRecord | ItemError): x is ItemError {
  return !('incident' in x);
}

/** JSON with object keys sorted at every level: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** First 16 hex digits of the SHA-256 of the canonical JSON. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

export interface RecordExtras {
  sourceId: string;
  raw: Record<string, unknown>;
  placeName?: string | null;
  notes?: string | null;
  locationPrecision?: LocationPrecision;
}

/** Wrap a validated incident as a record of `dataset` (shared by incident JSON and GeoJSON). */
export function recordFromIncident(dataset: SourceDataset, incident: Incident, extras: RecordExtras, now: string): IncidentRecord {
  const id = `${dataset}:${extras.sourceId}`;
  const { lat, lon } = incident.location;
  const hasPoint = lat !== undefined && lon !== undefined;
  const inc: Incident = { ...incident, id: incident.id ?? id };
  return {
    id,
    incident: inc,
    source: { dataset, id: extras.sourceId, eventType: null, subEventType: null, timestamp: null },
    // The format's perpetrator is stated by whoever wrote the incident: kept as such.
    actors: incident.perpetrator.name
      ? [{ name: incident.perpetrator.name, role: 'perpetrator', ...(incident.perpetrator.country ? { country: incident.perpetrator.country } : {}) }]
      : [],
    admin1: null,
    admin2: null,
    admin1Derived: hasPoint ? (admin1At(lat, lon)?.name ?? null) : null,
    placeName: extras.placeName ?? null,
    locationPrecision: extras.locationPrecision ?? (hasPoint ? 'exact' : 'country'),
    sourcePrecision: {},
    dateEnd: null,
    datePrecision: 'day',
    fatalities: { best: incident.fatalities ?? null, low: null, high: null },
    notes: extras.notes ?? null,
    sources: [],
    textLang: null,
    reports: [{ dataset, sourceId: extras.sourceId, sourceTimestamp: null, raw: extras.raw, importedAt: now }],
    assessment: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** One incident (already parsed JSON) → a record or an ItemError. */
export function mapIncidentJsonItem(value: unknown, at: ElementAt, now: string): IncidentRecord | ItemError {
  const v = validateElement(value);
  if (!('incident' in v)) return itemError(at, v.path, v.reason);
  const days = recordDateProblem(v.incident.date, null, now);
  if (days) return itemError(at, 'date', days.reason);
  const incident = v.incident;
  const raw = value as Record<string, unknown>;
  // Hash the input as given (not the normalised form): the same file gives the same ids.
  const sourceId = incident.id ?? contentHash(raw);
  return recordFromIncident('incident_json', incident, { sourceId, raw }, now);
}

/**
 * Parsed JSON (one incident object or an array of them) → one result per
 * incident, in order. `file` prefixes the JSON paths in errors.
 */
export function mapIncidentJson(value: unknown, now: string, file = 'input'): (IncidentRecord | ItemError)[] {
  if (Array.isArray(value)) return value.map((v, i) => mapIncidentJsonItem(v, { file, index: i, line: 0, path: `[${i}]` }, now));
  if (value && typeof value === 'object') return [mapIncidentJsonItem(value, { file, index: 0, line: 0, path: '' }, now)];
  throw new InputError('expected an incident object or an array of incidents', { code: 'invalid_incident', where: file });
}

/** JSON text → results, with a readable error (and position) for text that is not JSON. */
export function parseIncidentJsonText(text: string, now: string, file = 'input'): (IncidentRecord | ItemError)[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message}); the incident format is one JSON object or an array of them`, {
      code: 'invalid_json',
      where: file,
    });
  }
  return mapIncidentJson(value, now, file);
}

/**
 * Stream an incident JSON file (an array, one object, or objects one per
 * line) in constant memory: one result per incident, in order. Errors name
 * the element, its line and the JSON path inside it.
 */
export async function* readIncidentJson(
  stream: Readable | AsyncIterable<string | Buffer>,
  now: string,
  file = 'input',
): AsyncGenerator<IncidentRecord | ItemError> {
  for await (const el of readJsonElements(stream, { mode: 'array', file })) {
    const at: ElementAt = { file, index: el.index, line: el.line, path: el.lone ? '' : `[${el.index}]` };
    if (el.error !== undefined) yield itemError(at, null, `${el.error}; fix this element`);
    else yield mapIncidentJsonItem(el.value, at, now);
  }
}
