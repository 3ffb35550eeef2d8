import { recordDateProblem } from '../record-dates.ts';
import type { Readable } from 'node:stream';
import { InputError } from '../../errors.ts';
import { readJsonElements } from '../jsonstream.ts';
import type { Incident } from '../incident.ts';
import type { IncidentRecord } from '../record.ts';
import { contentHash, itemError, recordFromIncident, validateElement, type ElementAt, type ItemError } from '../json.ts';

/**
 * GeoJSON (RFC 7946) FeatureCollection of Point features → incident records.
 *
 * - geometry: a Point, coordinates [longitude, latitude] (a third value,
 *   altitude, is ignored). Other geometry types are rejected with a reason.
 *   A null geometry is allowed when the properties name the country.
 * - properties: the incident format's fields, nested as in the format
 *   (`perpetrator: {type, …}`, `target: {…}`, `location: {country}`) or flat
 *   (`country`, `perpetrator_type`, `perpetrator_country`, `perpetrator_name`,
 *   `target_type`, `target_country`, `target_deployed_abroad`,
 *   `assistance_requested_by` as an array or "MLI,BFA"). Other properties
 *   (name, description, styling) are kept in the raw report only;
 *   `notes`/`description` become the record's notes, `place`/`name` its place name.
 * - ids: `geojson:<feature id>` or `geojson:<hash of the feature>`; errors
 *   name `features[i]` and the path inside it.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

const FLAT: Record<string, [string, string]> = {
  perpetrator_type: ['perpetrator', 'type'],
  perpetrator_country: ['perpetrator', 'country'],
  perpetrator_name: ['perpetrator', 'name'],
  target_type: ['target', 'type'],
  target_country: ['target', 'country'],
  target_deployed_abroad: ['target', 'deployed_abroad'],
  country: ['location', 'country'],
  location_country: ['location', 'country'],
};

const TOP = ['id', 'date', 'kind', 'fatalities', 'assistance_requested_by'] as const;

class Reject extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(reason);
  }
}

/** Build the incident-format object from a feature (before validation). */
function incidentInput(feature: Json): Json {
  const props = feature.properties === null || feature.properties === undefined ? {} : feature.properties;
  if (!isObj(props)) throw new Reject('properties', 'properties must be an object holding the incident fields (date, kind, perpetrator, target…)');
  const out: Json = { location: {}, perpetrator: {}, target: {} };
  for (const k of TOP) if (props[k] !== undefined && props[k] !== null) out[k] = props[k];
  if (typeof out.assistance_requested_by === 'string') {
    out.assistance_requested_by = out.assistance_requested_by.split(/[,;\s]+/).filter(Boolean);
  }
  for (const part of ['location', 'perpetrator', 'target'] as const) {
    const nested = props[part];
    if (nested !== undefined && nested !== null) {
      if (!isObj(nested)) throw new Reject(`properties.${part}`, `properties.${part} must be an object`);
      Object.assign(out[part] as Json, nested);
    }
  }
  for (const [flat, [part, field]] of Object.entries(FLAT)) {
    const v = props[flat];
    if (v === undefined || v === null || v === '') continue;
    const target = out[part] as Json;
    if (target[field] !== undefined && target[field] !== v) {
      throw new Reject(`properties.${flat}`, `properties.${flat} (${JSON.stringify(v)}) disagrees with properties.${part}.${field} (${JSON.stringify(target[field])}); give one`);
    }
    target[field] = v;
  }

  const geometry = feature.geometry;
  if (geometry !== null && geometry !== undefined) {
    if (!isObj(geometry) || typeof geometry.type !== 'string') throw new Reject('geometry', 'geometry must be a GeoJSON geometry object or null');
    if (geometry.type !== 'Point') {
      throw new Reject('geometry.type', `geometry is a ${geometry.type}; an incident is imported as a Point at its location (coordinates [longitude, latitude])`);
    }
    const c = geometry.coordinates;
    if (!Array.isArray(c) || c.length < 2 || c.length > 3 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Reject('geometry.coordinates', 'a Point needs coordinates [longitude, latitude] (two numbers, optionally an altitude)');
    }
    const loc = out.location as Json;
    const [lon, lat] = c as number[];
    if ((loc.lat !== undefined && loc.lat !== lat) || (loc.lon !== undefined && loc.lon !== lon)) {
      throw new Reject('properties.location', 'properties.location lat/lon disagree with the Point geometry; give the place once, in the geometry');
    }
    loc.lon = lon;
    loc.lat = lat;
  }
  return out;
}

/** Where an incident-format path comes from in a feature. */
function featurePath(incidentPath: string | null): string | null {
  if (!incidentPath) return null;
  if (/^location\.(lat|lon)\b/.test(incidentPath)) return 'geometry.coordinates';
  if (incidentPath === 'location') return 'geometry';
  return `properties.${incidentPath}`;
}

/** One feature → record or ItemError. `at.path` is "features[3]". */
export function mapGeojsonFeature(feature: unknown, at: ElementAt, now: string): IncidentRecord | ItemError {
  if (!isObj(feature) || feature.type !== 'Feature') {
    return itemError(at, null, 'not a GeoJSON Feature (an object with "type": "Feature", "geometry" and "properties")');
  }
  let input: Json;
  try {
    input = incidentInput(feature);
  } catch (e) {
    if (e instanceof Reject) return itemError(at, e.path, e.reason);
    throw e;
  }
  const v = validateElement(input);
  if (!('incident' in v)) {
    const reason = /coordinates look swapped/.test(v.reason) ? `${v.reason}; GeoJSON coordinates are [longitude, latitude]` : v.reason;
    return itemError(at, featurePath(v.path), reason);
  }
  const incident: Incident = v.incident;
  const days = recordDateProblem(incident.date, null, now);
  if (days) return itemError(at, featurePath('date'), days.reason);
  const fid = feature.id;
  const sourceId = typeof fid === 'string' && fid !== '' ? fid : typeof fid === 'number' ? String(fid) : incident.id ?? contentHash({ geometry: feature.geometry ?? null, properties: feature.properties ?? null });
  const props = isObj(feature.properties) ? feature.properties : {};
  const text = (k: string): string | null => (typeof props[k] === 'string' && (props[k] as string).trim() ? (props[k] as string).trim() : null);
  return recordFromIncident('geojson', incident, {
    sourceId,
    raw: feature,
    notes: text('notes') ?? text('description'),
    placeName: text('place') ?? text('name'),
  }, now);
}

/** A parsed FeatureCollection → one result per feature, in order. */
export function mapGeojson(value: unknown, now: string, file = 'input'): (IncidentRecord | ItemError)[] {
  if (!isObj(value) || value.type !== 'FeatureCollection' || !Array.isArray(value.features)) {
    const what = isObj(value) && typeof value.type === 'string' ? `a GeoJSON ${value.type}` : 'not a GeoJSON object';
    throw new InputError(`expected a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]}), got ${what}`, {
      code: 'invalid_geojson',
      where: file,
    });
  }
  return value.features.map((f, i) => mapGeojsonFeature(f, { file, index: i, line: 0, path: `features[${i}]` }, now));
}

/** GeoJSON text → results; text that is not JSON is an InputError. */
export function parseGeojsonText(text: string, now: string, file = 'input'): (IncidentRecord | ItemError)[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message}); expected a GeoJSON FeatureCollection`, { code: 'invalid_json', where: file });
  }
  return mapGeojson(value, now, file);
}

/**
 * Stream a GeoJSON FeatureCollection in constant memory (one feature held
 * at a time): one result per feature, in order. A document that turns out
 * not to be a FeatureCollection is an InputError at the end.
 */
export async function* readGeojson(
  stream: Readable | AsyncIterable<string | Buffer>,
  now: string,
  file = 'input',
): AsyncGenerator<IncidentRecord | ItemError> {
  let checked = false;
  const check = (outer: Record<string, unknown>): void => {
    checked = true;
    if (outer.type !== 'FeatureCollection') {
      const what = typeof outer.type === 'string' ? `a GeoJSON ${outer.type}` : 'an object without "type"';
      throw new InputError(`expected a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]}), got ${what}`, {
        code: 'invalid_geojson',
        where: file,
      });
    }
  };
  for await (const el of readJsonElements(stream, { mode: 'features', file, onOuter: check })) {
    const at: ElementAt = { file, index: el.index, line: el.line, path: `features[${el.index}]` };
    if (el.error !== undefined) yield itemError(at, null, `${el.error}; fix this feature`);
    else yield mapGeojsonFeature(el.value, at, now);
  }
  if (!checked) check({});
}
