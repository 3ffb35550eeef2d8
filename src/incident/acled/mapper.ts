import { recordDateProblem } from '../record-dates.ts';
import { MAX_FATALITIES, type Incident } from '../incident.ts';
import type { Actor, IncidentRecord } from '../record.ts';
import { isIso3, numericToIso3 } from '../countries.ts';
import { admin1At } from '../geo/index.ts';
import { coordinate, mapOrReject, Reject } from '../reject.ts';
import { countryIso3FromName } from '../names.ts';
import { ymd } from '../dates.ts';
import type { AcledRow, RowError } from './wire.ts';
import {
  GEO_PRECISION, TIME_PRECISION, canonicalEventType, derivePerpetrator, lookupSubEvent, parseInter, perpetratorTypeOf,
  refineKind, stateOfActor, type AcledActorIn,
} from './taxonomy.ts';

export type { RowError } from './wire.ts';

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

/** ACLED event_date: "2023-08-15" (API/CSV) or "15 August 2023" / "15-August-2023" / "15 Aug 2023" (older exports). */
export function parseAcledDate(s: string): string | null {
  const t = s.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (iso) return ymd(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$/.exec(t);
  if (dmy) {
    const m = MONTHS[dmy[2]!.toLowerCase()];
    return m ? ymd(Number(dmy[3]), m, Number(dmy[1])) : null;
  }
  return null;
}


function coord(row: AcledRow, column: 'latitude' | 'longitude', limit: number): number {
  return coordinate(row[column], column, limit);
}

function splitList(s: string): string[] {
  return [...new Set(s.split(';').map((x) => x.trim()).filter(Boolean))];
}

/** One ACLED row → an incident record, or a RowError naming the line and column. Pure: `now` stamps the record. */
export function mapAcledRow(row: AcledRow, line: number, now: string): IncidentRecord | RowError {
  return mapOrReject(row, line, (r) => map(r, now));
}

function map(row: AcledRow, now: string): IncidentRecord {
  const id = row.event_id_cnty.trim();
  if (!/^[A-Za-z]{2,4}\d+$/.test(id)) throw new Reject('event_id_cnty', `event_id_cnty "${row.event_id_cnty}" is not an ACLED event id (country letters then digits, e.g. MLI12345)`);

  const date = parseAcledDate(row.event_date);
  if (!date) throw new Reject('event_date', `event_date "${row.event_date}" is not a real date (YYYY-MM-DD or "15 August 2023")`);
  const days = recordDateProblem(date, null, now);
  if (days) throw new Reject('event_date', days.reason);
  if (row.year.trim() && row.year.trim() !== date.slice(0, 4)) throw new Reject('year', `year ${row.year.trim()} disagrees with event_date ${date}`);

  const timePrec = row.time_precision.trim();
  if (timePrec && !TIME_PRECISION[timePrec]) throw new Reject('time_precision', `time_precision "${timePrec}" is not 1 (day), 2 (week) or 3 (month)`);
  const geoPrec = row.geo_precision.trim();
  if (geoPrec && !GEO_PRECISION[geoPrec]) throw new Reject('geo_precision', `geo_precision "${geoPrec}" is not 1 (town), 2 (near a town) or 3 (region)`);

  if (!canonicalEventType(row.event_type)) {
    throw new Reject('event_type', `event_type "${row.event_type}" is not one of ACLED's six (Battles, Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic developments)`);
  }
  const sub = lookupSubEvent(row.event_type, row.sub_event_type);
  if (!sub) throw new Reject('sub_event_type', `sub_event_type "${row.sub_event_type}" is not an ACLED sub-event type of "${canonicalEventType(row.event_type)}"`);

  const inter1 = parseInter(row.inter1);
  if (inter1 === undefined) throw new Reject('inter1', `inter1 "${row.inter1}" is not an ACLED actor type (1–8 or e.g. "State forces", "Rebel groups")`);
  const inter2 = parseInter(row.inter2);
  if (inter2 === undefined) throw new Reject('inter2', `inter2 "${row.inter2}" is not an ACLED actor type (1–8 or e.g. "State forces", "Civilians")`);
  const actor1 = row.actor1.trim(), actor2 = row.actor2.trim();
  if (!actor1) throw new Reject('actor1', 'actor1 is empty; every ACLED event names at least one actor');
  if (inter1 === null) throw new Reject('inter1', `inter1 is empty but actor1 "${actor1}" is named; give its actor type`);
  if (actor2 && inter2 === null) throw new Reject('inter2', `inter2 is empty but actor2 "${actor2}" is named; give its actor type`);

  const lat = coord(row, 'latitude', 90);
  const lon = coord(row, 'longitude', 180);

  const isoCode = row.iso.trim();
  const country =
    (/^\d{1,3}$/.test(isoCode) ? numericToIso3(isoCode.padStart(3, '0')) : isIso3(isoCode.toUpperCase()) ? isoCode.toUpperCase() : undefined) ??
    countryIso3FromName(row.country);
  if (!country) throw new Reject(isoCode ? 'iso' : 'country', `neither iso "${row.iso}" nor country "${row.country}" names a known country`);

  const fat = row.fatalities.trim();
  if (!/^\d+$/.test(fat)) throw new Reject('fatalities', `fatalities "${row.fatalities}" is not a whole number ≥ 0`);
  const fatalities = Number(fat);
  if (fatalities > MAX_FATALITIES) throw new Reject('fatalities', `fatalities ${fatalities} is more than ${MAX_FATALITIES.toLocaleString('en')}, the most one incident may carry`);

  const ts = row.timestamp.trim();
  if (ts && !/^\d+$/.test(ts)) throw new Reject('timestamp', `timestamp "${ts}" is not a Unix time in seconds`);
  const timestamp = ts ? Number(ts) : null;

  // Actors: main ones with their inter codes, associated ones without.
  const ins: AcledActorIn[] = [{ name: actor1, inter: inter1, main: true }];
  if (actor2) ins.push({ name: actor2, inter: inter2, main: true });
  for (const n of splitList(row.assoc_actor_1)) ins.push({ name: n, inter: null, main: false });
  for (const n of splitList(row.assoc_actor_2)) ins.push({ name: n, inter: null, main: false });
  const actors: Actor[] = [];
  const roleOf = (i: number): string => (i === 0 ? 'actor1' : actor2 && i === 1 ? 'actor2' : '');
  let assocIdx = 0;
  const assoc1 = splitList(row.assoc_actor_1).length;
  ins.forEach((a, i) => {
    let role = roleOf(i);
    if (!role) role = assocIdx++ < assoc1 ? 'assoc_actor_1' : 'assoc_actor_2';
    const actor: Actor = { name: a.name, role, inter: a.inter };
    const state = a.inter === 1 || a.inter === 8 ? stateOfActor(a.name) : undefined;
    if (state) actor.country = state;
    actors.push(actor);
  });

  // Perpetrator: only when the sub-event type and inter codes leave one possibility.
  const { rule } = sub;
  const who = derivePerpetrator(rule.perpetrator, ins);
  const perpetrator: Incident['perpetrator'] = { type: 'unknown' };
  if (who) {
    const t = perpetratorTypeOf(who);
    perpetrator.type = t.type;
    if (t.country) perpetrator.country = t.country;
    perpetrator.name = who.name;
  }

  const kind = rule.refine ? refineKind(rule.kind, ins, country, perpetrator.type === 'state' ? perpetrator.country : undefined).kind : rule.kind;

  // Target.
  const target: Incident['target'] = { type: 'territory', country };
  const forcesOrTerritory = (): void => {
    const states = new Set(
      ins.filter((a) => a.main && (a.inter === 1 || a.inter === 8)).map((a) => stateOfActor(a.name)).filter((s): s is string => !!s),
    );
    if (perpetrator.type === 'state' && perpetrator.country) states.delete(perpetrator.country);
    if (states.size === 1) {
      const s = [...states][0]!;
      target.type = 'armed_forces';
      target.country = s;
      target.deployed_abroad = s !== country;
    }
  };
  switch (rule.target) {
    case 'civilians':
    case 'government':
    case 'territory':
    case 'infrastructure':
      target.type = rule.target;
      break;
    case 'forces_or_territory':
      forcesOrTerritory();
      break;
    case 'explosion':
      if (ins.some((a) => a.main && a.inter === 7)) target.type = 'civilians';
      else forcesOrTerritory();
      break;
  }

  const recordId = `acled:${id}`;
  const incident: Incident = { id: recordId, date, kind, location: { country, lat, lon }, perpetrator, target, fatalities };
  const locationPrecision = geoPrec ? GEO_PRECISION[geoPrec]! : 'unknown';
  const derived = locationPrecision === 'exact' || locationPrecision === 'near' || locationPrecision === 'admin1' ? admin1At(lat, lon) : null;
  const raw: Record<string, unknown> = row;

  return {
    id: recordId,
    incident,
    source: { dataset: 'acled', id, eventType: sub.eventType, subEventType: sub.subEventType, timestamp },
    actors,
    admin1: row.admin1.trim() || null,
    admin2: row.admin2.trim() || null,
    admin1Derived: derived?.name ?? null,
    placeName: row.location.trim() || null,
    locationPrecision,
    sourcePrecision: { where: geoPrec ? Number(geoPrec) : null, date: timePrec ? Number(timePrec) : null },
    dateEnd: null,
    datePrecision: timePrec ? TIME_PRECISION[timePrec]! : 'unknown',
    fatalities: { best: fatalities, low: null, high: null },
    notes: row.notes.trim() || null,
    sources: splitList(row.source),
    textLang: 'en', // ACLED writes its notes in English
    reports: [{ dataset: 'acled', sourceId: id, sourceTimestamp: timestamp, raw, importedAt: now }],
    assessment: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
