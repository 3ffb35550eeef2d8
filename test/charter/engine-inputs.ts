// The inputs of the engine equivalence test: a generated grid of incidents (every kind ×
// perpetrator × target × place × day, with and without a request for assistance) and every
// real UCDP event shipped in data/ucdp, each assessed in both languages, traces on and off.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { INCIDENT_KINDS, TARGET_TYPES, type Incident } from '../../src/incident/incident.ts';
import { isRowError, mapUcdpRow } from '../../src/incident/ucdp/mapper.ts';
import { readUcdpCsv } from '../../src/incident/ucdp/wire.ts';

export interface EngineInput {
  /** A name that says which input it is, printed when its answer differs. */
  name: string;
  incident: Incident;
  at?: string;
}

const PERPETRATORS: Array<[string, Incident['perpetrator']]> = [
  ['state party MLI', { type: 'state', country: 'MLI' }],
  ['state ECOWAS CIV', { type: 'state', country: 'CIV' }],
  ['state NATO FRA', { type: 'state', country: 'FRA' }],
  ['state outsider RUS', { type: 'state', country: 'RUS' }],
  ['armed group', { type: 'non_state_armed_group', name: 'JNIM' }],
  ['armed group backed by DZA', { type: 'non_state_armed_group', name: 'X', country: 'DZA' }],
  ['rebels', { type: 'rebel_group', name: 'CSP' }],
  ['unknown', { type: 'unknown' }],
];

/** Places: a point in each AES party, in ECOWAS and NATO states, at sea, and a country without a point. */
const PLACES: Array<[string, Incident['location']]> = [
  ['Ménaka (MLI)', { country: 'MLI', lat: 15.92, lon: 2.4 }],
  ['Tillabéri (NER)', { country: 'NER', lat: 14.21, lon: 1.45 }],
  ['Djibo (BFA)', { country: 'BFA', lat: 14.1, lon: -1.63 }],
  ['Dakar (SEN)', { country: 'SEN', lat: 14.69, lon: -17.44 }],
  ['Paris (FRA)', { country: 'FRA', lat: 48.85, lon: 2.35 }],
  ['Cayenne (GUF as FRA)', { country: 'FRA', lat: 4.92, lon: -52.31 }],
  ['North Atlantic', { lat: 40, lon: -40 }],
  ['Mali, no point', { country: 'MLI' }],
];

/** Days around the dates the charters turn on: AES founding, confederation, ECOWAS suspensions and withdrawal, NATO. */
const DAYS = ['1975-06-01', '2023-09-15', '2023-09-16', '2024-03-10', '2024-07-06', '2025-01-29', '2025-06-01'];

function targetFor(type: Incident['target']['type'], loc: Incident['location'], variant: number): Incident['target'] {
  if (variant === 1) return { type, country: 'NER', ...(type === 'armed_forces' ? { deployed_abroad: true } : {}) };
  return loc.country ? { type, country: loc.country } : { type };
}

export function gridInputs(): EngineInput[] {
  const out: EngineInput[] = [];
  for (const kind of INCIDENT_KINDS) {
    for (const [pname, perpetrator] of PERPETRATORS) {
      for (const type of TARGET_TYPES) {
        for (const [place, location] of PLACES) {
          for (const variant of [0, 1]) {
            for (const date of DAYS) {
              for (const asked of [undefined, ['NER'], ['MLI', 'SEN']]) {
                if (variant === 1 && asked !== undefined) continue;
                const incident: Incident = { date, kind, location, perpetrator, target: targetFor(type, location, variant), fatalities: 3 };
                if (asked) incident.assistance_requested_by = asked;
                out.push({ name: `${kind} | ${pname} | ${type}${variant ? ' (NER, abroad)' : ''} | ${place} | ${date}${asked ? ` | asked by ${asked.join(',')}` : ''}`, incident });
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const UCDP_DIR = fileURLToPath(new URL('../../data/ucdp/', import.meta.url));

/** Every real UCDP event shipped in data/ucdp, mapped by the importer's mapper; assessed on its day and on 2024-07-06. */
export async function ucdpInputs(): Promise<EngineInput[]> {
  const out: EngineInput[] = [];
  for (const f of readdirSync(UCDP_DIR).filter((x) => x.endsWith('.csv')).sort()) {
    for await (const l of readUcdpCsv(Readable.from(readFileSync(join(UCDP_DIR, f))), f)) {
      if (l.error) continue;
      const r = mapUcdpRow(l.row, l.line, '2026-01-01T00:00:00.000Z');
      if (isRowError(r)) continue;
      out.push({ name: `${f}:${l.line}`, incident: r.incident });
      out.push({ name: `${f}:${l.line} at 2024-07-06`, incident: r.incident, at: '2024-07-06' });
    }
  }
  return out;
}
