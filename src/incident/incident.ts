import { z } from 'zod';
import { isIso3 } from './countries.ts';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES } from './kinds.ts';

/**
 * The incident format read by the assessment engine. Other programs depend on
 * it: change it only by adding optional fields.
 */

export { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES, type IncidentKind, type PerpetratorType, type TargetType } from './kinds.ts';

const iso3 = z.string().refine(isIso3, { message: 'not an ISO 3166-1 alpha-3 country code (e.g. MLI, BFA, NER)' });

/** A calendar day YYYY-MM-DD that exists (no 2023-02-30). */
export const isoDate = z.string().refine(isRealDate, { message: 'not a real calendar date in the form YYYY-MM-DD' });

export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31);
}

/**
 * The most deaths one incident may carry. No event in UCDP GED or ACLED comes near it; the
 * bound keeps every value and every sum the timeline and the area counts make within what both
 * stores hold (a value of 3,000,000,000 failed a whole PostgreSQL import; sums of 2^53 − 1
 * broke SQLite's aggregates).
 */
export const MAX_FATALITIES = 1_000_000;

export const incidentSchema = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  date: isoDate,
  kind: z.enum(INCIDENT_KINDS),
  location: z.strictObject({
    country: iso3.optional(),
    lat: z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90').optional(),
    lon: z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180').optional(),
  }),
  perpetrator: z.strictObject({
    type: z.enum(PERPETRATOR_TYPES),
    country: iso3.optional(),
    name: z.string().max(500).optional(),
  }),
  target: z.strictObject({
    type: z.enum(TARGET_TYPES),
    country: iso3.optional(),
    deployed_abroad: z.boolean().optional(),
  }),
  fatalities: z.number().int().min(0).max(MAX_FATALITIES, `at most ${MAX_FATALITIES.toLocaleString('en')} (a bound both stores and their sums hold)`).optional(),
  assistance_requested_by: z.array(iso3).optional(),
});

/** An incident as given by a user or an importer (country may still be missing). */
export type Incident = z.infer<typeof incidentSchema>;
