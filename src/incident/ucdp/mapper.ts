import { recordDateProblem } from '../record-dates.ts';
import { MAX_FATALITIES, type Incident } from '../incident.ts';
import { ymd } from '../dates.ts';
import type { Actor, IncidentRecord } from '../record.ts';
import { admin1At } from '../geo/index.ts';
import { coordinate, isRowError, mapOrReject, Reject } from '../reject.ts';
import type { RowError, UcdpRow } from './wire.ts';
import {
  DATE_PREC, UCDP_VIOLENCE_LABELS, WHERE_PREC, governmentIso3, mapUcdpTaxonomy, splitSide, ucdpCountryIso3,
} from './taxonomy.ts';

export type { RowError } from './wire.ts';

/** where_prec at which a point says which admin-1 it is in (1–4); 5–7 sit at the centroid of a larger area. */
const ADMIN1_DERIVABLE = new Set(['1', '2', '3', '4']);

export { isRowError };

/** "05/26/2016 00:00:00" (the export) or "2016-05-26" (events_core, newer API) → "2016-05-26"; null when not a real date. */
export function parseUcdpDate(s: string): string | null {
  const t = s.trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(t);
  if (us) return ymd(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00(?:\.0+)?Z?)?$/.exec(t);
  return iso ? ymd(Number(iso[1]), Number(iso[2]), Number(iso[3])) : null;
}



function int(row: UcdpRow, column: string, opts: { min?: number; max?: number; optional?: boolean } = {}): number | null {
  const v = (row[column] ?? '').trim();
  if (v === '') {
    if (opts.optional) return null;
    throw new Reject(column, `${column} is empty; UCDP always fills it`);
  }
  if (!/^-?\d+$/.test(v)) throw new Reject(column, `${column} "${v}" is not a whole number`);
  const n = Number(v);
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new Reject(column, `${column} ${n} is outside ${opts.min ?? '-∞'}–${opts.max ?? '∞'}`);
  }
  return n;
}

function coord(row: UcdpRow, column: 'latitude' | 'longitude', limit: number): number {
  return coordinate(row[column], column, limit);
}

function date(row: UcdpRow, column: 'date_start' | 'date_end'): string {
  const d = parseUcdpDate(row[column]);
  if (!d) throw new Reject(column, `${column} "${row[column]}" is not a real date in UCDP's MM/DD/YYYY 00:00:00 form`);
  return d;
}

function code<T>(row: UcdpRow, column: string, table: Record<string, T>): T {
  const v = (row[column] ?? '').trim();
  const hit = table[v];
  if (hit === undefined) throw new Reject(column, `${column} "${v}" is not a UCDP code (${Object.keys(table).join(', ')})`);
  return hit;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter(Boolean))];
}

/**
 * One UCDP GED row → an incident record, or a RowError naming the line
 * (where the record starts) and the column at fault. Pure: `now` stamps
 * createdAt/updatedAt/importedAt.
 */
export function mapUcdpRow(row: UcdpRow, line: number, now: string): IncidentRecord | RowError {
  return mapOrReject(row, line, (r) => map(r, now));
}

function map(row: UcdpRow, now: string): IncidentRecord {
  const id = row.id.trim();
  if (!/^\d+$/.test(id)) throw new Reject('id', `id "${row.id}" is not a UCDP event id (a whole number)`);
  const type = row.type_of_violence.trim();
  const sideA = row.side_a.trim(), sideB = row.side_b.trim();
  if (!sideA) throw new Reject('side_a', 'side_a is empty; UCDP names both sides of every event');
  if (!sideB) throw new Reject('side_b', 'side_b is empty; UCDP names both sides of every event');
  const tax = mapUcdpTaxonomy(type, sideA, sideB);
  if (!tax) throw new Reject('type_of_violence', `type_of_violence "${type}" is not 1 (state-based), 2 (non-state) or 3 (one-sided)`);

  const start = date(row, 'date_start');
  const end = date(row, 'date_end');
  if (end < start) throw new Reject('date_end', `date_end ${end} is before date_start ${start}`);
  const days = recordDateProblem(start, end, now);
  if (days) throw new Reject(days.field === 'date' ? 'date_start' : 'date_end', days.reason);
  const lat = coord(row, 'latitude', 90);
  const lon = coord(row, 'longitude', 180);
  const locationPrecision = code(row, 'where_prec', WHERE_PREC);
  const datePrecision = code(row, 'date_prec', DATE_PREC);
  const best = int(row, 'best_est', { min: 0, max: MAX_FATALITIES })!;
  // Kept as given, even when they do not bracket best (64 real rows, e.g. 285444: best 0, low 46, high 0).
  const low = int(row, 'low_est', { min: 0, max: MAX_FATALITIES, optional: true });
  const high = int(row, 'high_est', { min: 0, max: MAX_FATALITIES, optional: true });
  const country = ucdpCountryIso3(row.country);
  if (!country) throw new Reject('country', `country "${row.country}" is not a country name UCDP uses (e.g. "Mali", "Ivory Coast")`);

  const perpetratorSide = tax.perpetratorSide === 'side_a' ? sideA : tax.perpetratorSide === 'side_b' ? sideB : null;
  let kind = tax.kind;
  const perpetrator: Incident['perpetrator'] = { type: tax.perpetrator };
  if (perpetratorSide) perpetrator.name = perpetratorSide;
  if (tax.perpetrator === 'state') {
    const state = perpetratorSide ? governmentIso3(perpetratorSide) : undefined;
    if (state) {
      perpetrator.country = state;
      // One-sided violence by a government on another state's territory is an armed attack there.
      if (type === '3' && state !== country) kind = 'armed_attack';
    } else {
      perpetrator.type = 'unknown'; // a government UCDP names but we cannot code: do not invent a state
    }
  }
  const target: Incident['target'] = { type: tax.target };
  if (tax.targetState === 'event') target.country = country;
  if (tax.targetState === 'side_a') {
    const state = governmentIso3(sideA);
    if (state) {
      target.country = state;
      target.deployed_abroad = state !== country;
    }
  }

  const recordId = `ucdp_ged:${id}`;
  const incident: Incident = {
    id: recordId,
    date: start,
    kind,
    location: { country, lat, lon },
    perpetrator,
    target,
    fatalities: best,
  };

  const actors: Actor[] = [];
  for (const [role, side] of [['side_a', sideA], ['side_b', sideB]] as const) {
    for (const name of splitSide(side)) {
      const actor: Actor = { name, role };
      const state = governmentIso3(name);
      if (state) actor.country = state;
      actors.push(actor);
    }
  }

  const derived = ADMIN1_DERIVABLE.has(row.where_prec.trim()) ? admin1At(lat, lon) : null;
  const notes = uniq([row.where_description, row.source_headline]).join('\n');
  const raw: Record<string, unknown> = row; // the reader gives a fresh object per record: kept as is, not copied

  return {
    id: recordId,
    incident,
    source: { dataset: 'ucdp_ged', id, eventType: UCDP_VIOLENCE_LABELS[type] ?? type, subEventType: null, timestamp: null },
    actors,
    admin1: row.adm_1.trim() || null,
    admin2: row.adm_2.trim() || null,
    admin1Derived: derived?.name ?? null,
    placeName: row.where_coordinates.trim() || null,
    locationPrecision,
    sourcePrecision: { where: Number(row.where_prec), date: Number(row.date_prec) },
    dateEnd: end,
    datePrecision,
    fatalities: { best, low, high },
    notes: notes || null,
    sources: uniq(row.source_office.split(';')),
    // UCDP codes in English; quoted headlines may be in the source's language (often French in the Sahel).
    textLang: 'en',
    reports: [{ dataset: 'ucdp_ged', sourceId: id, sourceTimestamp: null, raw, importedAt: now }],
    assessment: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
