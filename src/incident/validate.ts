import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { countryName } from './countries.ts';
import { countryAt } from './geo/index.ts';
import { incidentSchema, type Incident } from './incident.ts';

/**
 * Validation and normalisation of the incident format (the engine's input).
 *
 * parseIncident = schema check (every problem named by its JSON path) +
 * the rules the schema cannot express:
 * - lat and lon come together; a location needs a country or a point;
 * - a missing location.country is derived from the point with the shipped
 *   boundaries; a point in no state leaves it undefined (international
 *   waters or airspace);
 * - a given country that disagrees with the point is kept (sources place
 *   border events on either side), unless swapping lat and lon would put the
 *   point in the given country while the point itself is not: that is the
 *   classic swap bug and is rejected;
 * - a state perpetrator needs its country;
 * - a territory target without a country is the location's country.
 */

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

function joinWhere(where: string | undefined, path: string): string {
  return where ? `${where}: ${path}` : path;
}

export function describeZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = formatPath(i.path);
      // Unknown keys are reported on the parent object; name them.
      if (i.code === 'unrecognized_keys') return `${path}: unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}; remove them or check the spelling`;
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Validate and normalise one incident. Throws InputError naming the JSON path and the reason. */
export function parseIncident(input: unknown, where?: string): Incident {
  const parsed = incidentSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(`${describeZodIssues(parsed.error.issues)} (see the incident format in DEVELOPERS.md / issue 2)`, {
      code: 'invalid_incident',
      ...(where ? { where } : {}),
    });
  }
  return normaliseIncident(parsed.data, where);
}

/** One incident or an array of them. A bad element is reported as `[i]` (prefixed by `where`). */
export function parseIncidents(input: unknown, where?: string): Incident[] {
  if (Array.isArray(input)) return input.map((item, i) => parseIncident(item, `${where ?? ''}[${i}]`));
  return [parseIncident(input, where)];
}

function fail(where: string | undefined, path: string, message: string): never {
  throw new InputError(message, { code: 'invalid_incident', where: joinWhere(where, path) });
}

/**
 * The rules beyond the schema, on an incident whose shape is already valid.
 * Returns a new object (the input is not modified).
 */
export function normaliseIncident(incident: Incident, where?: string): Incident {
  // A copy of every level (all leaves are strings, numbers and booleans): the caller's object is never changed.
  // Not structuredClone: it was a tenth of the server's work per POST /assess.
  const out: Incident = {
    ...incident,
    location: { ...incident.location },
    perpetrator: { ...incident.perpetrator },
    target: { ...incident.target },
    ...(incident.assistance_requested_by ? { assistance_requested_by: [...incident.assistance_requested_by] } : {}),
  };
  const loc = out.location;
  const hasLat = loc.lat !== undefined, hasLon = loc.lon !== undefined;
  if (hasLat && !hasLon) fail(where, 'location.lon', 'latitude is given without longitude: give both lat and lon, or neither');
  if (hasLon && !hasLat) fail(where, 'location.lat', 'longitude is given without latitude: give both lat and lon, or neither');
  const hasPoint = hasLat && hasLon;
  if (!hasPoint && !loc.country) fail(where, 'location', 'a location needs a country (ISO3) or lat and lon');

  if (hasPoint) {
    const lat = loc.lat!, lon = loc.lon!;
    const at = countryAt(lat, lon);
    if (!loc.country) {
      if (at) loc.country = at; // else: international waters or airspace, country stays undefined
    } else if (at !== loc.country && Math.abs(lon) <= 90) {
      const swapped = countryAt(lon, lat);
      if (swapped === loc.country) {
        const place = at ? countryName(at) : 'no state (international waters)';
        fail(
          where,
          'location',
          `coordinates look swapped (lat ${lat}, lon ${lon} lies in ${place}; did you mean lat ${lon}, lon ${lat}?)`,
        );
      }
      // Otherwise the given country is kept: border events are often coded to the state they concern.
    }
  }

  if (out.perpetrator.type === 'state' && !out.perpetrator.country) {
    fail(where, 'perpetrator.country', 'a perpetrator of type "state" needs its country (ISO3); use type "unknown" when the state is not known');
  }

  if (out.target.type === 'territory' && !out.target.country && loc.country) out.target.country = loc.country;
  return out;
}
