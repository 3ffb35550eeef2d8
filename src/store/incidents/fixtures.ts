import type { IncidentRecord, LocationPrecision } from '../../incident/record.ts';

/** Test records: a plausible UCDP-like incident, overridable field by field. */
export interface RecordSpec {
  id?: string;
  date?: string;
  lat?: number | null;
  lon?: number | null;
  country?: string;
  kind?: IncidentRecord['incident']['kind'];
  fatalities?: number | null;
  notes?: string | null;
  placeName?: string | null;
  actors?: string[];
  admin1?: string | null;
  admin1Derived?: string | null;
  precision?: LocationPrecision;
  dataset?: IncidentRecord['source']['dataset'];
  timestamp?: number | null;
  raw?: Record<string, unknown>;
}

/** mulberry32: a small, fast, deterministic random sequence for test and benchmark inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seq = 0;

export function makeRecord(s: RecordSpec = {}): IncidentRecord {
  const n = ++seq;
  const dataset = s.dataset ?? 'ucdp_ged';
  const sourceId = s.id ? s.id.split(':').pop()! : String(100000 + n);
  const id = s.id ?? `${dataset}:${sourceId}`;
  const date = s.date ?? '2023-05-01';
  const location: IncidentRecord['incident']['location'] = { country: s.country ?? 'MLI' };
  const lat = s.lat === undefined ? 14.5 : s.lat;
  const lon = s.lon === undefined ? -4.2 : s.lon;
  if (lat !== null && lon !== null) {
    location.lat = lat;
    location.lon = lon;
  }
  const fatalities = s.fatalities === undefined ? 3 : s.fatalities;
  const actors = (s.actors ?? ['Government of Mali', 'JNIM']).map((name, k) => ({ name, role: k === 0 ? 'side_a' : 'side_b' }));
  return {
    id,
    incident: {
      date,
      kind: s.kind ?? 'armed_attack',
      location,
      perpetrator: { type: 'non_state_armed_group', name: actors[1]?.name ?? 'unknown' },
      target: { type: 'armed_forces', country: s.country ?? 'MLI' },
      ...(fatalities !== null ? { fatalities } : {}),
    },
    source: { dataset, id: sourceId, eventType: 'state-based', subEventType: null, timestamp: s.timestamp ?? null },
    actors,
    admin1: s.admin1 === undefined ? 'Mopti region' : s.admin1,
    admin2: null,
    admin1Derived: s.admin1Derived === undefined ? 'Mopti' : s.admin1Derived,
    placeName: s.placeName === undefined ? 'Boni' : s.placeName,
    locationPrecision: s.precision ?? 'exact',
    sourcePrecision: { where: 1, date: 1 },
    dateEnd: date,
    datePrecision: 'day',
    fatalities: { best: fatalities, low: fatalities, high: fatalities },
    notes: s.notes === undefined ? 'Attack on an army post near Boni.' : s.notes,
    sources: ['Reuters'],
    textLang: 'en',
    reports: [{ dataset, sourceId, sourceTimestamp: s.timestamp ?? null, raw: s.raw ?? { id: sourceId, best: fatalities }, importedAt: '2026-11-28T00:00:00.000Z' }],
    assessment: null,
    version: 1,
    createdAt: '2026-11-28T00:00:00.000Z',
    updatedAt: '2026-11-28T00:00:00.000Z',
  };
}
