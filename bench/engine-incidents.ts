/**
 * One million distinct incidents for the engine benchmark, generated from a seed: days over
 * 1990–2026 (before and after the charters' founding and the parties' joining or leaving),
 * places in the AES parties, their ECOWAS and NATO neighbours, elsewhere and at sea, every
 * kind, perpetrator and target type, states as perpetrators and targets, forces abroad, and
 * requests for assistance. The same seed gives the same incidents, so runs compare.
 */
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES, type Incident } from '../src/incident/incident.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';

/** Centres of the places drawn (a point is jittered around them); a weight says how often. */
const PLACES: Array<[country: string | null, lat: number, lon: number, weight: number]> = [
  ['MLI', 16.0, -1.5, 20], ['BFA', 12.3, -1.6, 20], ['NER', 14.5, 4.0, 20],
  ['SEN', 14.5, -14.5, 4], ['CIV', 7.5, -5.5, 4], ['NGA', 10.0, 8.0, 4], ['TCD', 14.0, 18.0, 3], ['DZA', 24.0, 3.0, 3],
  ['GHA', 7.9, -1.0, 2], ['BEN', 9.5, 2.3, 2], ['TGO', 8.6, 1.0, 2], ['GIN', 10.4, -10.9, 2], ['MRT', 20.0, -10.0, 2],
  ['FRA', 46.6, 2.4, 2], ['USA', 39.0, -98.0, 1], ['TUR', 39.0, 35.0, 1], ['RUS', 56.0, 38.0, 1], ['LBY', 27.0, 17.0, 2],
  [null, 40.0, -40.0, 1], // the North Atlantic: no state
];
const STATES = ['MLI', 'BFA', 'NER', 'SEN', 'CIV', 'NGA', 'FRA', 'USA', 'RUS', 'DZA', 'TCD', 'GHA', 'TUR'];
const GROUPS = ['JNIM', 'ISGS', 'CSP-DPA', 'Ansarul Islam', 'Boko Haram', 'FLA'];
const FIRST_DAY = Date.UTC(1990, 0, 1);
const DAYS = Math.floor((Date.UTC(2026, 5, 30) - FIRST_DAY) / 86_400_000);

export function generatedIncidents(n: number, seed = 20231916): Incident[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const totalWeight = PLACES.reduce((s, p) => s + p[3], 0);
  const place = () => {
    let w = r() * totalWeight;
    for (const p of PLACES) if ((w -= p[3]) < 0) return p;
    return PLACES[0]!;
  };
  const out: Incident[] = new Array(n);
  for (let k = 0; k < n; k++) {
    // Half the days after the AES was founded (2023-09-16), so that its provisions are often in play.
    const day = r() < 0.5 ? Math.floor(r() * DAYS) : DAYS - Math.floor(r() * 1020);
    const date = new Date(FIRST_DAY + day * 86_400_000).toISOString().slice(0, 10);
    const [country, lat, lon] = place();
    const location: Incident['location'] = r() < 0.1 && country
      ? { country }
      : { ...(country ? { country } : {}), lat: Math.round((lat + (r() - 0.5) * 4) * 1e4) / 1e4, lon: Math.round((lon + (r() - 0.5) * 4) * 1e4) / 1e4 };
    const ptype = pick(PERPETRATOR_TYPES);
    const perpetrator: Incident['perpetrator'] = ptype === 'state'
      ? { type: ptype, country: pick(STATES) }
      : ptype === 'unknown' ? { type: ptype } : { type: ptype, name: pick(GROUPS), ...(r() < 0.1 ? { country: pick(STATES) } : {}) };
    const ttype = pick(TARGET_TYPES);
    const abroad = ttype === 'armed_forces' && r() < 0.2;
    const tcountry = abroad || r() < 0.15 ? pick(STATES) : country ?? undefined;
    const target: Incident['target'] = { type: ttype, ...(tcountry ? { country: tcountry } : {}), ...(abroad ? { deployed_abroad: true } : {}) };
    const incident: Incident = { date, kind: pick(INCIDENT_KINDS), location, perpetrator, target, fatalities: Math.floor(r() * r() * 300) };
    if (r() < 0.1) incident.assistance_requested_by = [pick(STATES)];
    out[k] = incident;
  }
  return out;
}
